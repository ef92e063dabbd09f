#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "gantry/protocols/common/asio_net.hpp"

namespace gantry::protocols::common {

// The bytes a connection has read and its session has not consumed yet,
// never more than `budget`. Allocated by the first prepare(), small at
// first, doubled while a large frame arrives, shrunk back once emptied, and
// released while the connection waits with nothing buffered, so ten
// thousand idle connections hold no read buffers at all.
class input_buffer {
public:
    static constexpr std::size_t initial_capacity = 4096;
    // The largest budget: the offsets are 32 bits, as one connection's
    // unread bytes are bounded far below this (connection_limits::validate).
    static constexpr std::size_t max_budget = std::size_t{1} << 31;

    // `budget` is at most max_budget.
    explicit input_buffer(std::size_t budget);

    std::span<const std::byte> data() const noexcept { return {storage_.get() + begin_, end_ - begin_}; }
    std::size_t size() const noexcept { return end_ - begin_; }
    bool empty() const noexcept { return begin_ == end_; }
    bool full() const noexcept { return size() >= budget_; }
    std::size_t budget() const noexcept { return budget_; }
    std::size_t capacity() const noexcept { return capacity_; }

    // Room for the next read (compacting or growing as needed, never past the
    // budget); empty when full().
    asio::mutable_buffer prepare();
    // `n` bytes were read into the last prepare()d room.
    void commit(std::size_t n) noexcept;
    // The session consumed the first `n` bytes.
    void consume(std::size_t n) noexcept;
    // Frees the storage of an empty buffer (no read may be in flight into
    // it); the next prepare() allocates again.
    void release() noexcept;

private:
    void reallocate(std::size_t capacity);

    std::unique_ptr<std::byte[]> storage_;
    std::uint32_t capacity_ = 0;
    std::uint32_t begin_ = 0;
    std::uint32_t end_ = 0;
    std::uint32_t budget_;
};

} // namespace gantry::protocols::common
