#pragma once

#include <cstdint>
#include <memory>
#include <system_error>

#include "gantry/store/byte_order.hpp"

namespace gantry::store {

// The records of one append batch, encoded here and written into the segment
// with one pwrite before the commit log publishes them. Nothing maps the log
// writable: a store through a mapping costs a page fault on every new page
// (more than a system call at 1 KiB records) and write-back later clears the
// writable entry again with a TLB shoot-down to every broker core. Readers
// and the flusher use the segment's own read mapping, which sees the pwrite
// through the shared page cache.
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

private:
    std::unique_ptr<std::byte[]> bytes_; // kept between batches
    std::size_t capacity_ = 0;
    std::size_t size_ = 0;
};

} // namespace gantry::store
