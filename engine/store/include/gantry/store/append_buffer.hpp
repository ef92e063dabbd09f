#pragma once

#include <cstdint>
#include <memory>
#include <system_error>

#include "gantry/store/byte_order.hpp"

namespace gantry::store {

// The records of one append batch, encoded here and then copied into the
// segment before the commit log publishes them: through the segment's
// mapping where the page warmer has mapped the pages writable already, with
// one pwrite elsewhere. A store into a page not yet mapped costs page faults
// (more than the system call at 1 KiB records); one into a mapped page costs
// neither (docs/decisions/0012).
// Used by one appender at a time (the commit log's append mutex).
class append_buffer {
public:
    // Room for the next `length` bytes, after those already gathered. The
    // bytes are uninitialised; the caller writes every one.
    mutable_bytes claim(std::size_t length);

    std::size_t size() const noexcept { return size_; }

    // Writes the gathered bytes at `position` of the file behind `fd`
    // (repeating the pwrite after a short one) and forgets them either way.
    std::error_code write_out(int fd, std::int64_t position);
    // Copies the gathered bytes to `to`, in the segment's mapping, and
    // forgets them.
    void copy_out(std::byte* to) noexcept;

private:
    std::unique_ptr<std::byte[]> bytes_; // kept between batches
    std::size_t capacity_ = 0;
    std::size_t size_ = 0;
};

} // namespace gantry::store
