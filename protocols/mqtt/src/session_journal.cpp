#include "session_journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cerrno>
#include <string>
#include <utility>

#include "gantry/core/durable_file.hpp"
#include "gantry/engine/byte_order.hpp"
#include "mqtt_log.hpp"

namespace gantry::protocols::mqtt {

namespace {

constexpr std::size_t header_size = 8; // length, CRC-32
// A longer record is damage: a session is a few KiB.
constexpr std::uint32_t max_payload = 64u << 20;

std::uint32_t crc_of(std::string_view payload) {
    return static_cast<std::uint32_t>(
        ::crc32(0L, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size())));
}

std::uint32_t u32_at(const std::string& text, std::size_t at) {
    return load_be<std::uint32_t>(reinterpret_cast<const std::byte*>(text.data() + at));
}

// Replays the file open as `fd` and cuts it after its last whole record;
// returns that length.
result<std::uint64_t> replay_file(int fd, const std::filesystem::path& path,
                                  const std::function<std::error_code(std::string_view)>& apply) {
    std::string text;
    if (const auto ec = core::read_whole(fd, text)) return ec;
    std::size_t at = 0;
    while (text.size() - at >= header_size) {
        const auto length = u32_at(text, at);
        // A zero length is what a file extended with zeros by a crash shows.
        if (length == 0 || length > max_payload || text.size() - at - header_size < length) break;
        const auto payload = std::string_view(text).substr(at + header_size, length);
        if (crc_of(payload) != u32_at(text, at + 4)) break;
        if (const auto ec = apply(payload)) return ec;
        at += header_size + length;
    }
    if (at < text.size()) {
        mqtt_log()->warn("the MQTT session journal {} ends in {} bytes that hold no whole record (a write cut short "
                         "by a crash, or damage): they are dropped, and the sessions load as of the record before",
                         path.string(), text.size() - at);
        if (::ftruncate(fd, static_cast<off_t>(at)) != 0) return core::last_os_error();
    }
    return std::uint64_t{at};
}

} // namespace

class session_journal::file {
public:
    file(int descriptor, std::uint64_t length, bool entry_on_disk)
        : fd(descriptor), size(length), entry_durable(entry_on_disk) {}
    ~file() { ::close(fd); }
    file(const file&) = delete;
    file& operator=(const file&) = delete;

    const int fd;
    std::uint64_t size;             // whole records; the owner's lock
    bool torn = false;              // a failed write may have left part of a record past `size`
    std::atomic<bool> entry_durable; // its directory entry is on disk
};

session_journal::session_journal(std::filesystem::path journal, bool sync_each)
    : path_(std::move(journal)), old_path_(std::filesystem::path(path_).concat(".old")), sync_(sync_each) {}

session_journal::~session_journal() = default;

std::error_code session_journal::replay(const std::function<std::error_code(std::string_view)>& apply) {
    if (const int fd = ::open(old_path_.c_str(), O_RDWR | O_CLOEXEC); fd >= 0) {
        auto replayed = replay_file(fd, old_path_, apply);
        const auto ec = !replayed ? replayed.error() : ::fdatasync(fd) != 0 ? core::last_os_error() : std::error_code{};
        ::close(fd);
        if (ec) return ec;
    } else if (errno != ENOENT) {
        return core::last_os_error();
    }
    current_.reset();
    if (const auto ec = open_current()) return ec;
    const auto replayed = replay_file(current_->fd, path_, apply);
    if (!replayed) return replayed.error();
    current_->size = *replayed;
    return {};
}

result<std::shared_ptr<session_journal::file>> session_journal::append(std::string_view payload) {
    if (!current_) {
        if (const auto ec = open_current()) return ec;
    }
    auto& f = *current_;
    // O_APPEND: the next write goes where the cut leaves the end.
    if (f.torn && ::ftruncate(f.fd, static_cast<off_t>(f.size)) != 0) return core::last_os_error();
    f.torn = false;
    std::string record(header_size, '\0');
    store_be(reinterpret_cast<std::byte*>(record.data()), static_cast<std::uint32_t>(payload.size()));
    store_be(reinterpret_cast<std::byte*>(record.data() + 4), crc_of(payload));
    record.append(payload);
    if (const auto ec = core::write_all(f.fd, record)) {
        f.torn = true;
        return ec;
    }
    f.size += record.size();
    return current_;
}

std::error_code session_journal::sync(const std::shared_ptr<file>& written) {
    return sync_ ? make_durable(written) : std::error_code{};
}

std::uint64_t session_journal::size() const noexcept { return current_ ? current_->size : 0; }

result<std::shared_ptr<session_journal::file>> session_journal::rotate() {
    if (!current_) {
        if (const auto ec = open_current()) return ec;
    }
    if (::access(old_path_.c_str(), F_OK) == 0) return current_;
    if (::rename(path_.c_str(), old_path_.c_str()) != 0) return core::last_os_error();
    return std::exchange(current_, nullptr); // the next append makes the new file
}

std::error_code session_journal::make_durable(const std::shared_ptr<file>& covered) {
    if (::fdatasync(covered->fd) != 0) return core::last_os_error();
    if (covered->entry_durable.load(std::memory_order_acquire)) return {};
    if (const auto ec = core::sync_parent_directory(path_)) return ec;
    covered->entry_durable.store(true, std::memory_order_release);
    return {};
}

std::error_code session_journal::drop_old() {
    if (::unlink(old_path_.c_str()) != 0 && errno != ENOENT) return core::last_os_error();
    return {};
}

std::error_code session_journal::open_current() {
    std::error_code ec;
    if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ec);
    if (ec) return ec;
    bool created = false;
    int fd = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        fd = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        created = true;
    }
    if (fd < 0) return core::last_os_error();
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ec = core::last_os_error();
        ::close(fd);
        return ec;
    }
    current_ = std::make_shared<file>(fd, static_cast<std::uint64_t>(st.st_size), !created);
    return {};
}

} // namespace gantry::protocols::mqtt
