#include <vector>

#include "client_log.hpp"
#include "consumer_core.hpp"

// RESET_CONSUMER_CLIENT_OFFSET (spec 2.4.20): a broker reset the group's
// offsets and tells its online consumers, which continue from there.
namespace gantry::protocols::remoting::client {

void consumer_core::reset_offsets(const std::string& topic, const std::map<message_queue, std::int64_t>& offsets) {
    if (stopping_ || !consume_) return;
    std::vector<message_queue> reset;
    for (auto it = queues_.begin(); it != queues_.end();) {
        const auto target = offsets.find(it->first);
        if (it->first.topic != topic || target == offsets.end()) {
            ++it;
            continue;
        }
        // What was pulled and not consumed yet is forgotten, and a pull still
        // out is ignored; the queue starts again at the new offset. An
        // orderly queue keeps its broker lock: it never stopped holding it.
        const auto queue = it->first;
        it->second->drop();
        it = queues_.erase(it);
        offsets_->update(queue, target->second);
        create_queue(queue, target->second);
        reset.push_back(queue);
    }
    if (reset.empty()) return;
    // Committed at once, so a rebalance that hands a queue on meanwhile
    // passes the new offset, not the old.
    offsets_->persist(reset, [] {});
    client_log()->info("consumer {} of group {}: {} queue(s) of {} reset as the broker asked", runtime_.client_id(),
                       options_.group, reset.size(), topic);
}

} // namespace gantry::protocols::remoting::client
