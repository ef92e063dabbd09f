#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gantry/protocols/remoting/client/push_consumer.hpp"

namespace gantry::protocols::remoting::client {

// One topic a push consumer subscribes to (Java's SubscriptionData).
struct subscription {
    std::string topic;
    std::string expression; // "*" for everything
    std::string type;       // "TAG" or "SQL92"
    std::vector<std::string> tags;
    std::vector<std::int32_t> codes; // Java's String.hashCode of each tag
    std::int64_t version = 0;        // ms timestamp; a newer one replaces the broker's

    // Whether a message with `tag` passes the subscription on the client's
    // side (brokers filter by hash code, which may collide).
    bool accepts_tag(const std::string& tag) const;
};

// Parses a TAG expression ("*", "" or "a || b") or keeps SQL92 text.
subscription make_subscription(std::string topic, std::string expression, std::string type, std::int64_t version);

struct consumer_description {
    std::string group;
    message_model model = message_model::clustering;
    consume_from start = consume_from::last_offset;
    std::vector<subscription> subscriptions;
};

// The HeartbeatData body (spec 4.1) as fastjson writes Java's: keys sorted,
// compact, enums by name, and the CLIENT_INNER_PRODUCER group Java lists.
std::string heartbeat_json(const std::string& client_id, const consumer_description& consumer);

} // namespace gantry::protocols::remoting::client
