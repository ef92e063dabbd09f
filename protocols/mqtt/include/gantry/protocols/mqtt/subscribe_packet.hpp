#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gantry/protocols/mqtt/properties.hpp"

namespace gantry::protocols::mqtt {

// 5.0 §3.8.3.1: when retained messages are sent for a new subscription.
enum class retain_handling : std::uint8_t {
    send_on_subscribe = 0,
    send_if_new_subscription = 1,
    do_not_send = 2,
};

// One topic filter and its options. Before 5.0 only `qos` is on the wire.
// A 5.0 filter may be a shared subscription, "$share/<name>/<filter>"
// (parse_topic_filter splits it).
struct subscription {
    std::string filter;
    std::uint8_t qos = 0;
    bool no_local = false;
    bool retain_as_published = false;
    mqtt::retain_handling retain_handling = mqtt::retain_handling::send_on_subscribe;

    bool operator==(const subscription&) const = default;
};

struct subscribe_packet {
    std::uint16_t packet_id = 0;
    std::vector<subscription> subscriptions;  // at least one
    mqtt::properties properties;

    bool operator==(const subscribe_packet&) const = default;
};

} // namespace gantry::protocols::mqtt
