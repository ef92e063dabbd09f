#pragma once

#include <cstddef>
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
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::size_t budget_;
};

} // namespace gantry::protocols::common
