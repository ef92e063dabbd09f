#include "gantry/core/durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace gantry::core {

std::error_code last_os_error() noexcept { return {errno, std::system_category()}; }

std::error_code read_whole(int fd, std::string& text) {
    text.clear();
    char buffer[64 * 1024];
    for (;;) {
        const auto n = ::pread(fd, buffer, sizeof buffer, static_cast<off_t>(text.size()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return last_os_error();
        if (n == 0) return {};
        text.append(buffer, static_cast<std::size_t>(n));
    }
}

std::error_code write_all(int fd, std::string_view bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return last_os_error();
        done += static_cast<std::size_t>(n);
    }
    return {};
}

std::error_code write_durably(const std::filesystem::path& path, std::string_view bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return last_os_error();
    auto ec = write_all(fd, bytes);
    if (!ec && ::fsync(fd) != 0) ec = last_os_error();
    if (::close(fd) != 0 && !ec) ec = last_os_error();
    return ec;
}

std::error_code sync_parent_directory(const std::filesystem::path& file) {
    const auto dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return last_os_error();
    const auto ec = ::fsync(fd) != 0 ? last_os_error() : std::error_code{};
    ::close(fd);
    return ec;
}

} // namespace gantry::core
