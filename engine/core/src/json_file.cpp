#include "gantry/core/json_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <optional>
#include <string>

#include "core_log.hpp"
#include "gantry/core/core_error.hpp"
#include "gantry/core/durable_file.hpp"

namespace gantry::core {

namespace {


std::filesystem::path with_suffix(const std::filesystem::path& path, const char* suffix) {
    auto p = path;
    p += suffix;
    return p;
}

std::filesystem::path directory_of(const std::filesystem::path& path) {
    return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

// nullopt: the file does not exist.
result<std::optional<std::string>> read_text(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return std::optional<std::string>{};
        return last_os_error();
    }
    std::string text;
    const auto ec = read_whole(fd, text);
    ::close(fd);
    if (ec) return ec;
    return std::optional<std::string>{std::move(text)};
}

// Empty string when `text` decodes; else why it does not.
std::string try_decode(const std::string& text, const json_file::decoder& decode) {
    if (text.empty()) return "the file is empty";
    const auto document = nlohmann::json::parse(text, nullptr, false);
    if (document.is_discarded()) return "the file is not valid JSON";
    if (const auto ec = decode(document))
        return ec == core_errc::metadata_corrupt ? "the document lacks fields or has values of the wrong type"
                                                 : ec.message();
    return {};
}

} // namespace

json_file::json_file(std::filesystem::path path) : path_(std::move(path)) {}

std::filesystem::path json_file::backup_path() const { return with_suffix(path_, ".bak"); }

result<bool> json_file::load(const decoder& decode) const {
    auto main = read_text(path_);
    if (!main) return main.error();
    std::string main_problem;
    if (*main) {
        main_problem = try_decode(**main, decode);
        if (main_problem.empty()) return true;
    }

    const auto backup = backup_path();
    auto previous = read_text(backup);
    if (!previous) return previous.error();
    if (!*previous) {
        if (!*main) return false;
        core_log()->error("cannot load {} ({}) and there is no backup {}; restore the file or move it away to "
                          "start without it",
                          path_.string(), main_problem, backup.string());
        return core_errc::metadata_corrupt;
    }
    if (*main)
        core_log()->warn("cannot load {} ({}); trying its previous version {}", path_.string(), main_problem,
                         backup.string());
    else
        core_log()->warn("{} is missing; trying its previous version {}", path_.string(), backup.string());

    const auto backup_problem = try_decode(**previous, decode);
    if (!backup_problem.empty()) {
        core_log()->error("cannot load the backup {} either ({}); restore {} or move both away to start without "
                          "them",
                          backup.string(), backup_problem, path_.string());
        return core_errc::metadata_corrupt;
    }
    core_log()->warn("loaded {} from its backup {}; changes made after that backup are lost", path_.string(),
                     backup.string());
    restore_from_backup(**previous, main->has_value());
    return true;
}

// Otherwise the next save would make the unusable file the backup.
void json_file::restore_from_backup(const std::string& text, bool file_exists) const {
    if (file_exists) {
        const auto aside = with_suffix(path_, ".corrupt");
        if (::rename(path_.c_str(), aside.c_str()) != 0) {
            core_log()->warn("cannot move the unusable {} aside to {}: {}; the next save will replace the backup "
                             "with it",
                             path_.string(), aside.string(), last_os_error().message());
            return;
        }
        core_log()->warn("kept the unusable {} as {} for inspection", path_.string(), aside.string());
    }
    const auto tmp = with_suffix(path_, ".tmp");
    auto ec = write_durably(tmp, text);
    if (!ec && ::rename(tmp.c_str(), path_.c_str()) != 0) ec = last_os_error();
    if (!ec) ec = sync_parent_directory(path_);
    if (ec)
        core_log()->warn("cannot restore {} from its backup: {}; the backup stays and is loaded again next time",
                         path_.string(), ec.message());
}

std::error_code json_file::save(const nlohmann::json& document) const {
    std::error_code ec;
    const auto dir = directory_of(path_);
    std::filesystem::create_directories(dir, ec);
    if (ec) return ec;

    // Names and groups come from clients; never let one odd byte stop a save.
    const auto text = document.dump(4, ' ', false, nlohmann::json::error_handler_t::replace);
    const auto tmp = with_suffix(path_, ".tmp");
    if ((ec = write_durably(tmp, text))) return ec;
    keep_backup();
    if (::rename(tmp.c_str(), path_.c_str()) != 0) return last_os_error();
    return sync_parent_directory(path_);
}

std::error_code json_file::save(const nlohmann::json& document, std::string_view what) const {
    const auto ec = save(document);
    if (ec)
        core_log()->error("cannot save {} to {}: {}; its changes since the last save are lost if the broker stops "
                          "now; check the disk",
                          what, path_.string(), ec.message());
    return ec;
}

// The backup is a second name for the current file, which the rename below
// then replaces: no copy, and the old version is never rewritten in place.
void json_file::keep_backup() const {
    if (::access(path_.c_str(), F_OK) != 0) return; // no current version: the old backup stays
    const auto backup = backup_path();
    if (::unlink(backup.c_str()) != 0 && errno != ENOENT) {
        core_log()->warn("cannot replace the backup {}: {}", backup.string(), last_os_error().message());
        return;
    }
    if (::link(path_.c_str(), backup.c_str()) == 0 || errno == ENOENT) return;
    // File systems without hard links get a copy.
    std::error_code ec;
    std::filesystem::copy_file(path_, backup, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec)
        core_log()->warn("cannot keep the previous version of {} as {}: {}; a damaged file could not be recovered "
                         "from it",
                         path_.string(), backup.string(), ec.message());
}

} // namespace gantry::core
