#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gantry/core/pop_queue.hpp"
#include "gantry/engine/subscription_options.hpp"
#include "gantry/store/topic_queue_map.hpp"

namespace gantry::core {

// The state the engine keeps for one consumer group: how its members share
// messages and, per (topic, queue), what has been handed out and settled.
class consumer_group {
public:
    struct queue_ref {
        std::string topic;
        std::int32_t queue_id;
        std::shared_ptr<pop_queue> queue;
    };

    consumer_group(std::string name, engine::delivery_mode mode, bool durable,
                   std::optional<engine::start_position> start = std::nullopt);

    const std::string& name() const noexcept { return name_; }
    engine::delivery_mode mode() const noexcept { return mode_; }
    // Durable: kept, with its offsets, while it has no member. A durable
    // subscriber makes a transient group durable; facade::release_group
    // makes it transient again.
    bool durable() const noexcept { return durable_.load(); }
    void set_durable(bool durable) noexcept { durable_ = durable; }

    // The group's queue for (topic, queue id), starting at `start()` the
    // first time it is asked for. A template: every pump asks for each of
    // its queues, and a std::function would allocate each time.
    template <typename Start>
    std::shared_ptr<pop_queue> queue(std::string_view topic, std::int32_t queue_id, Start&& start) {
        std::lock_guard lock(mutex_);
        if (const auto it = queues_.find(store::topic_queue_ref{topic, queue_id}); it != queues_.end())
            return it->second;
        auto q = std::make_shared<pop_queue>(start());
        queues_.emplace(store::topic_queue_key{std::string(topic), queue_id}, q);
        return q;
    }
    std::shared_ptr<pop_queue> find(std::string_view topic, std::int32_t queue_id) const;
    std::vector<queue_ref> queues() const;
    // Starts the group's queue over at `offset` (an offset reset); what was
    // in flight there is forgotten and its handles go stale.
    void restart(std::string_view topic, std::int32_t queue_id, std::int64_t offset);
    // Forgets every queue of a deleted topic; handles into them go stale.
    void forget(std::string_view topic);

    // Where the group starts in a queue it has no committed offset for: the
    // start of the subscription that made it, whichever member reads first.
    // Unset (nullopt) for a group that had offsets when it was made again.
    const std::optional<engine::start_position>& start() const noexcept { return start_; }
    // A group that starts at a time or a log position owns no record stored
    // before it, though a queue not yet dispatched up to there resolves the
    // start a little early.
    bool before_start(std::int64_t physical_offset, std::int64_t store_timestamp) const noexcept {
        if (!start_) return false;
        if (start_->from == engine::start_position::kind::timestamp) return store_timestamp < start_->value;
        if (start_->from == engine::start_position::kind::log_position) return physical_offset < start_->value;
        return false;
    }

    // Members come and go; returns how many remain / are there now.
    int join();
    int leave();
    int members() const;

private:
    const std::string name_;
    const engine::delivery_mode mode_;
    std::atomic<bool> durable_;
    const std::optional<engine::start_position> start_;
    mutable std::mutex mutex_;
    store::topic_queue_map<std::shared_ptr<pop_queue>> queues_;
    int members_ = 0;
};

} // namespace gantry::core
