#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "gantry/engine/result.hpp"

namespace gantry::engine {

// What an operator sets for a consumer group: RocketMQ 4.9.x's
// SubscriptionGroupConfig, field for field, with its defaults. The engine
// applies retry_max_times; the native protocol the consume, broadcast and
// notification switches (protocols/remoting/README.md).
struct group_config {
    std::string group_name;
    bool consume_enable = true;           // false: the group may not consume
    bool consume_from_min_enable = true;  // kept and reported only (RocketMQ 4.x does not read it either)
    bool consume_broadcast_enable = true; // false: broadcasting consumers of the group are refused
    std::int32_t retry_queue_nums = 1;    // kept and reported only (retry copies use queue 0)
    std::int32_t retry_max_times = 16;    // redeliveries before %DLQ%<group>, when the consumer names no limit
    std::int64_t broker_id = 0;           // kept and reported only (no slaves to read from)
    std::int64_t which_broker_when_consume_slowly = 1; // kept and reported only
    bool notify_consumer_ids_changed_enable = true;    // false: members are not told when the group changes

    friend bool operator==(const group_config&, const group_config&) = default;
};

// Every stored group's settings with RocketMQ's DataVersion (changes so
// far, time of the last).
struct group_config_table {
    std::vector<group_config> groups; // sorted by name
    std::int64_t version_counter = 0;
    std::int64_t version_timestamp_ms = 0;
};

// The consumer-group settings an operator stored (RocketMQ's
// SubscriptionGroupManager, <storePathRootDir>/config/subscriptionGroup.json).
// A separate narrow interface beside the facade, reached by
// facade::group_configs(). Safe from any thread.
class group_config_store {
public:
    virtual ~group_config_store() = default;

    // Creates or replaces a group's settings and saves the table. Refused:
    // an invalid group name (its %RETRY% topic must be a valid topic name)
    // or values out of range. A failed save keeps the change in memory and
    // returns the save's error; the next successful save writes it.
    virtual std::error_code put_group_config(const group_config& config) = 0;
    // The stored settings of a group; nothing when none were stored.
    virtual std::optional<group_config> find_group_config(const std::string& group) const = 0;
    // What applies to a group: its stored settings, else the defaults, with
    // the broker's maxReconsumeTimes as the retry limit.
    virtual group_config effective_group_config(const std::string& group) const = 0;
    virtual group_config_table list_group_configs() const = 0;
    // Forgets a group's settings and saves the table; false when it had none.
    virtual result<bool> remove_group_config(const std::string& group) = 0;
};

} // namespace gantry::engine
