#pragma once

#include <cstdint>

#include "gantry/engine/result.hpp"
#include "gantry/store/byte_order.hpp"
#include "gantry/store/mapped_file.hpp"

namespace gantry::store {

// A small writable mapping of the segment being appended to, moved along as
// appends advance. Appends write through it, everything else reads through
// the segment's own mapping. Why: writing back a dirty page clears its
// writable entries in every mapping, and each one cleared costs an
// interrupt to every other core running the broker (a TLB shoot-down) —
// 13 % of the broker's time at 150 MB/s of appends. By the time a page is
// written back it has usually left the window, whose unmapping flushed the
// TLBs for all its pages at once; the segment's own mapping only ever maps
// pages for reading, which costs nothing to clean.
// Used by one appender at a time (the commit log's append mutex).
class append_window {
public:
    static constexpr std::int64_t default_size = 8 * 1024 * 1024;

    explicit append_window(std::int64_t size = default_size) noexcept : size_(size) {}
    ~append_window() { unmap(); }
    append_window(const append_window&) = delete;
    append_window& operator=(const append_window&) = delete;

    // Writable bytes [position, position + length) of `file`, mapping a new
    // window (of at least `length` bytes) when they lie outside this one.
    result<mutable_bytes> bytes(const mapped_file_ptr& file, std::int64_t position, std::int64_t length);

    void unmap() noexcept;

private:
    std::int64_t size_;
    mapped_file_ptr file_;
    std::byte* data_ = nullptr;
    std::int64_t from_ = 0;   // position in file_ of data_[0]
    std::int64_t length_ = 0; // bytes mapped
};

} // namespace gantry::store
