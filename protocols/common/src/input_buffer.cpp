#include "gantry/protocols/common/input_buffer.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace gantry::protocols::common {

namespace {

// Every read offers at least this much room (or what the budget leaves).
constexpr std::size_t min_read_room = 4096;
// An emptied buffer larger than this goes back to the initial size.
constexpr std::size_t shrink_above = 64 * 1024;

} // namespace

input_buffer::input_buffer(std::size_t budget) : budget_(static_cast<std::uint32_t>(budget)) {
    assert(budget > 0 && budget <= max_budget);
}

// The storage is moved, compacted or replaced only here, never in commit or
// consume: a read may be in flight into the room handed out last, while the
// session consumes what came before it.
asio::mutable_buffer input_buffer::prepare() {
    if (empty()) {
        begin_ = end_ = 0;
        if (capacity_ == 0 || capacity_ > shrink_above) {
            reallocate(std::min<std::size_t>(initial_capacity, budget_));
        }
    }
    if (full()) {
        return {};
    }
    const std::size_t wanted = std::min<std::size_t>(min_read_room, budget_ - size());
    if (capacity_ - end_ < wanted) {
        if (capacity_ - size() >= wanted) {
            std::memmove(storage_.get(), storage_.get() + begin_, size());
        } else {
            const std::size_t target =
                std::min<std::size_t>(budget_, std::max<std::size_t>(std::size_t{capacity_} * 2, size() + wanted));
            auto bigger = std::unique_ptr<std::byte[]>(new std::byte[target]);
            std::memcpy(bigger.get(), storage_.get() + begin_, size());
            storage_ = std::move(bigger);
            capacity_ = static_cast<std::uint32_t>(target);
        }
        end_ -= begin_;
        begin_ = 0;
    }
    const std::size_t room = std::min<std::size_t>(capacity_ - end_, budget_ - size());
    return {storage_.get() + end_, room};
}

void input_buffer::commit(std::size_t n) noexcept {
    assert(end_ + n <= capacity_);
    end_ += static_cast<std::uint32_t>(n);
}

void input_buffer::consume(std::size_t n) noexcept {
    assert(n <= size());
    begin_ += static_cast<std::uint32_t>(n);
}

void input_buffer::release() noexcept {
    assert(empty());
    storage_.reset();
    capacity_ = begin_ = end_ = 0;
}

void input_buffer::reallocate(std::size_t capacity) {
    storage_ = std::unique_ptr<std::byte[]>(new std::byte[capacity]);
    capacity_ = static_cast<std::uint32_t>(capacity);
    begin_ = end_ = 0;
}

} // namespace gantry::protocols::common
