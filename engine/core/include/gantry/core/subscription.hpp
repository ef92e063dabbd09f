#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gantry/core/arrival_hub.hpp"
#include "gantry/core/consumer_group.hpp"
#include "gantry/core/record_filter.hpp"
#include "gantry/engine/delivery.hpp"
#include "gantry/engine/facade.hpp"

namespace gantry::core {

// One subscriber: where it reads, how much it may still receive, and what
// it holds unsettled. Deliveries happen on its context's executor.
class subscription {
public:
    struct source {
        std::string topic;
        std::int32_t queue_id;
    };

    subscription(engine::subscription_id id, engine::operation_context ctx, engine::subscription_options options,
                 std::shared_ptr<engine::delivery_sink> sink, std::shared_ptr<consumer_group> group,
                 record_filter filter, std::vector<source> sources);

    engine::subscription_id id() const noexcept { return id_; }
    const engine::operation_context& context() const noexcept { return ctx_; }
    const engine::subscription_options& options() const noexcept { return options_; }
    engine::delivery_sink& sink() const noexcept { return *sink_; }
    consumer_group& group() const noexcept { return *group_; }
    const record_filter& filter() const noexcept { return filter_; }
    // A subscription to every topic gains the queues of topics made after
    // it: on its executor only, where the pump reads them.
    const std::vector<source>& sources() const noexcept { return sources_; }
    bool reads(std::string_view topic, std::int32_t queue_id) const noexcept;
    void add_source(source s) { sources_.push_back(std::move(s)); }
    void remove_sources(std::string_view topic);

    std::atomic<int> credit{0};
    // Set while a pump is posted and not yet run, so arrivals coalesce.
    std::atomic<bool> pump_posted{false};
    std::atomic<bool> closed{false};
    // subscription_options::settle_on_hand_over, as it is now.
    std::atomic<bool> settle_on_hand_over{false};

    // The arrival watches that wake it, by the topic they watch; false once
    // it is closed (the caller then unwatches `t` itself).
    bool add_watch(std::string_view topic, arrival_hub::token t);
    std::vector<arrival_hub::token> take_watches();
    std::vector<arrival_hub::token> take_watches_of(std::string_view topic);

    // Deliveries handed to this subscriber and not yet settled, so closing
    // it can give them back to the group at once.
    void hold(const engine::delivery_handle& h);
    bool forget(const engine::delivery_handle& h);
    std::vector<engine::delivery_handle> take_unsettled();

private:
    const engine::subscription_id id_;
    const engine::operation_context ctx_;
    const engine::subscription_options options_;
    const std::shared_ptr<engine::delivery_sink> sink_;
    const std::shared_ptr<consumer_group> group_;
    const record_filter filter_;
    std::vector<source> sources_;
    std::mutex mutex_;
    std::map<std::uint64_t, engine::delivery_handle> unsettled_; // mutex_
    std::vector<std::pair<std::string, arrival_hub::token>> watches_; // mutex_
};

} // namespace gantry::core
