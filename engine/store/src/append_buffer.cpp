#include "gantry/store/append_buffer.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace gantry::store {

mutable_bytes append_buffer::claim(std::size_t length) {
    if (size_ + length > capacity_) {
        const std::size_t capacity = std::max({size_ + length, 2 * capacity_, std::size_t{64 * 1024}});
        auto grown = std::make_unique_for_overwrite<std::byte[]>(capacity);
        if (size_ > 0) std::memcpy(grown.get(), bytes_.get(), size_);
        bytes_ = std::move(grown);
        capacity_ = capacity;
    }
    mutable_bytes room{bytes_.get() + size_, length};
    size_ += length;
    return room;
}

void append_buffer::copy_out(std::byte* to) noexcept {
    std::memcpy(to, bytes_.get(), size_);
    size_ = 0;
}

std::error_code append_buffer::write_out(int fd, std::int64_t position) {
    std::size_t done = 0;
    std::error_code ec;
    while (done < size_) {
        const ssize_t n = ::pwrite(fd, bytes_.get() + done, size_ - done, static_cast<off_t>(position) + done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ec = n < 0 ? std::error_code(errno, std::system_category()) : std::make_error_code(std::errc::io_error);
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    size_ = 0;
    return ec;
}

} // namespace gantry::store
