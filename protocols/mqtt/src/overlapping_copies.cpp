#include "overlapping_copies.hpp"

#include <algorithm>

namespace gantry::protocols::mqtt {

void overlapping_copies::expect(std::int64_t record, const std::vector<std::uint64_t>& subscriptions) {
    if (subscriptions.empty()) return;
    if (pending_.size() >= max_records && !pending_.contains(record)) pending_.clear();
    auto& waiting = pending_[record];
    waiting.insert(waiting.end(), subscriptions.begin(), subscriptions.end());
}

bool overlapping_copies::take(std::int64_t record, std::uint64_t subscription) {
    if (pending_.empty()) return false;
    const auto it = pending_.find(record);
    if (it == pending_.end()) return false;
    auto& waiting = it->second;
    const auto found = std::find(waiting.begin(), waiting.end(), subscription);
    if (found == waiting.end()) return false;
    waiting.erase(found);
    if (waiting.empty()) pending_.erase(it);
    return true;
}

} // namespace gantry::protocols::mqtt
