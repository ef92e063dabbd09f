#pragma once

#include <functional>
#include <memory>
#include <mutex>
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

    consumer_group(std::string name, engine::delivery_mode mode, bool durable);

    const std::string& name() const noexcept { return name_; }
    engine::delivery_mode mode() const noexcept { return mode_; }
    bool durable() const noexcept { return durable_; }

    // The group's queue for (topic, queue id), starting at `start()` the
    // first time it is asked for.
    std::shared_ptr<pop_queue> queue(std::string_view topic, std::int32_t queue_id,
                                     const std::function<std::int64_t()>& start);
    std::shared_ptr<pop_queue> find(std::string_view topic, std::int32_t queue_id) const;
    std::vector<queue_ref> queues() const;
    // Starts the group's queue over at `offset` (an offset reset); what was
    // in flight there is forgotten and its handles go stale.
    void restart(std::string_view topic, std::int32_t queue_id, std::int64_t offset);

    // Members come and go; returns how many remain / are there now.
    int join();
    int leave();
    int members() const;

private:
    const std::string name_;
    const engine::delivery_mode mode_;
    const bool durable_;
    mutable std::mutex mutex_;
    store::topic_queue_map<std::shared_ptr<pop_queue>> queues_;
    int members_ = 0;
};

} // namespace gantry::core
