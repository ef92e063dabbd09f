#include "gantry/core/pop_queue.hpp"

#include <algorithm>
#include <atomic>

namespace gantry::core {

namespace {

// Delivery ids are unique across all queues, so a subscriber can key its
// unsettled deliveries by id alone.
std::atomic<std::uint64_t> delivery_ids{1};

std::uint64_t new_delivery_id() { return delivery_ids.fetch_add(1, std::memory_order_relaxed); }

} // namespace

pop_queue::pop_queue(std::int64_t start_offset) : next_(start_offset) {}

template <typename HandOut>
void pop_queue::take_each(std::int64_t end, std::size_t max, HandOut hand_out) {
    while (max > 0 && !visible_again_.empty()) {
        hand_out(*visible_again_.begin());
        visible_again_.erase(visible_again_.begin());
        --max;
    }
    for (; max > 0 && next_ < end; --max) hand_out(next_++);
}

void pop_queue::take(std::int64_t end, std::size_t max, clock::time_point deadline, std::vector<taken>& out) {
    std::lock_guard lock(mutex_);
    take_each(end, max, [&](std::int64_t offset) {
        const std::uint64_t id = new_delivery_id();
        in_flight_[offset] = {id, deadline};
        const auto again = redeliveries_.find(offset);
        const auto before = again == redeliveries_.end() ? handed_out{} : again->second;
        out.push_back({offset, id, before.times, before.failures});
    });
}

void pop_queue::take_settled(std::int64_t end, std::size_t max, std::vector<taken>& out) {
    std::lock_guard lock(mutex_);
    take_each(end, max, [&](std::int64_t offset) {
        handed_out before;
        if (const auto again = redeliveries_.find(offset); again != redeliveries_.end()) {
            before = again->second;
            redeliveries_.erase(again);
        }
        out.push_back({offset, new_delivery_id(), before.times, before.failures, true});
    });
}

bool pop_queue::ack(std::int64_t offset, std::uint64_t delivery_id) {
    std::lock_guard lock(mutex_);
    const auto it = in_flight_.find(offset);
    if (it == in_flight_.end() || it->second.delivery_id != delivery_id) return false;
    in_flight_.erase(it);
    redeliveries_.erase(offset);
    return true;
}

bool pop_queue::release(std::int64_t offset, std::uint64_t delivery_id, bool failed) {
    std::lock_guard lock(mutex_);
    const auto it = in_flight_.find(offset);
    if (it == in_flight_.end() || it->second.delivery_id != delivery_id) return false;
    in_flight_.erase(it);
    visible_again_.insert(offset);
    auto& again = redeliveries_[offset];
    ++again.times;
    if (failed) ++again.failures;
    return true;
}

bool pop_queue::extend(std::int64_t offset, std::uint64_t delivery_id, clock::time_point deadline) {
    std::lock_guard lock(mutex_);
    const auto it = in_flight_.find(offset);
    if (it == in_flight_.end() || it->second.delivery_id != delivery_id) return false;
    it->second.deadline = deadline;
    return true;
}

void pop_queue::take_expired(clock::time_point now, std::vector<taken>& out) {
    std::lock_guard lock(mutex_);
    for (auto& [offset, f] : in_flight_) {
        if (f.deadline > now) continue;
        f.delivery_id = new_delivery_id();
        f.deadline = clock::time_point::max();
        out.push_back({offset, f.delivery_id, 0, 0});
    }
}

std::int64_t pop_queue::committed() const {
    std::lock_guard lock(mutex_);
    std::int64_t low = next_;
    if (!in_flight_.empty()) low = std::min(low, in_flight_.begin()->first);
    if (!visible_again_.empty()) low = std::min(low, *visible_again_.begin());
    return low;
}

std::size_t pop_queue::in_flight() const {
    std::lock_guard lock(mutex_);
    return in_flight_.size();
}

std::int64_t pop_queue::next_offset() const {
    std::lock_guard lock(mutex_);
    return next_;
}

} // namespace gantry::core
