#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gantry/engine/group_config_store.hpp"
#include "gantry/engine/result.hpp"

// SubscriptionGroupConfig and SubscriptionGroupWrapper as RocketMQ 4.9.x
// writes them: UPDATE_AND_CREATE_SUBSCRIPTIONGROUP's body (one config) and
// GET_ALL_SUBSCRIPTIONGROUP_CONFIG's (every group). Shared by the broker
// and the client.
namespace gantry::protocols::remoting {

// One group of a SubscriptionGroupWrapper, with Gantry's own two fields
// beside the config (RocketMQ's tools ignore unknown fields; a RocketMQ
// broker sends neither).
struct subscription_group_row {
    engine::group_config config;
    std::optional<std::int32_t> online_consumers; // native consumers heartbeating plus the engine's live members
    std::optional<bool> durable;                  // the broker keeps the group's position while no one is online
};

struct subscription_group_wrapper {
    std::vector<subscription_group_row> groups; // sorted by name
    std::int64_t version_counter = 0;
    std::int64_t version_timestamp_ms = 0;
};

// The config as fastjson writes the bean: keys alphabetical, compact.
std::string subscription_group_config_json(const engine::group_config& config);
// {"dataVersion":{"counter":..,"timestamp":..},"subscriptionGroupTable":{"<group>":{config}}}.
std::string subscription_group_wrapper_json(const subscription_group_wrapper& wrapper);

// Read as fastjson would: numbers and booleans also as strings, booleans
// also as 0/1, absent or null fields keep RocketMQ's defaults, unknown ones
// (5.x's groupRetryPolicy, consumeMessageOrderly, attributes, ...) are
// ignored. remoting_errc::malformed_body for anything else, including a
// config without a groupName.
result<engine::group_config> parse_subscription_group_config(std::span<const std::byte> body);
result<subscription_group_wrapper> parse_subscription_group_wrapper(std::span<const std::byte> body);

} // namespace gantry::protocols::remoting
