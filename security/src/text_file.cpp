#include "text_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "gantry/security/security_error.hpp"

namespace gantry::security {

namespace {

// Far beyond any hand-written security file; a bigger one is a wrong path.
constexpr std::uintmax_t max_file_size = 64 * 1024 * 1024;

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

} // namespace

std::variant<std::string, load_error> read_text_file(const std::filesystem::path& path, std::string_view what) {
    const auto failure = [&](const std::string& why) {
        return load_error{security_errc::file_unreadable,
                          std::string(what) + " " + path.string() + " cannot be read: " + why};
    };
    std::error_code size_error;
    const auto size = std::filesystem::file_size(path, size_error);
    if (size_error) return failure(size_error.message());
    if (size > max_file_size) return failure("it is larger than 64 MiB");
    std::ifstream in(path, std::ios::binary);
    if (!in) return failure(std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return failure("read error");
    return std::move(text).str();
}

std::string_view trim_right(std::string_view line) {
    while (!line.empty() && blank(line.back())) line.remove_suffix(1);
    return line;
}

std::string_view trim_left(std::string_view line) {
    while (!line.empty() && blank(line.front())) line.remove_prefix(1);
    return line;
}

load_error line_error(std::error_code code, std::string_view what, const std::filesystem::path& path,
                      std::size_t line_number, std::string_view reason) {
    return load_error{code, std::string(what) + " " + path.string() + " line " + std::to_string(line_number) + ": " +
                                std::string(reason)};
}

} // namespace gantry::security
