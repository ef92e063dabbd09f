#include "queue_lock_table.hpp"

#include <algorithm>

namespace gantry::protocols::remoting {

queue_lock_table::queue_lock_table(std::chrono::milliseconds expiry) : expiry_(expiry) {}

std::vector<message_queue> queue_lock_table::lock(const std::string& group, const std::string& client_id,
                                                  const std::vector<message_queue>& queues, clock::time_point now) {
    std::vector<message_queue> locked;
    const std::lock_guard guard(mutex_);
    auto& locks = groups_[group];
    for (const auto& queue : queues) {
        if (std::find(locked.begin(), locked.end(), queue) != locked.end()) continue;
        auto [it, created] = locks.try_emplace(queue, holder{client_id, now});
        auto& current = it->second;
        const bool expired = now - current.last_lock > expiry_;
        if (!created && current.client_id != client_id && !expired) continue;
        current = holder{client_id, now};
        locked.push_back(queue);
    }
    if (locks.empty()) groups_.erase(group);
    return locked;
}

void queue_lock_table::unlock(const std::string& group, const std::string& client_id,
                              const std::vector<message_queue>& queues) {
    const std::lock_guard guard(mutex_);
    const auto locks = groups_.find(group);
    if (locks == groups_.end()) return;
    for (const auto& queue : queues) {
        const auto it = locks->second.find(queue);
        if (it != locks->second.end() && it->second.client_id == client_id) locks->second.erase(it);
    }
    if (locks->second.empty()) groups_.erase(locks);
}

} // namespace gantry::protocols::remoting
