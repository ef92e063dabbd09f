#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gantry::engine {

// The protocol-neutral message every protocol maps onto (DESIGN.md, "One
// model for every protocol"). How each field lies in a commit-log record is
// in docs/message-model.md.
struct message {
    std::string topic;                    // engine topic: an MQTT topic's first level
    std::string tag;                      // RocketMQ tag; an MQTT topic's remaining levels
    std::vector<std::string> keys;        // business keys, indexed for look-ups
    std::string message_id;               // UNIQ_KEY; the engine assigns one when empty
    std::string body;                     // the application payload, as published
    std::int64_t born_time_ms = 0;        // when the producer made it
    std::int64_t deliver_at_ms = 0;       // not delivered before (0: at once)
    std::int64_t expires_at_ms = 0;       // never delivered after (0: never expires)
    int priority = unset_priority;        // 0..9, higher first where the engine can
    bool durable = true;                  // false: may be lost on a broker crash
    std::string correlation_id;
    std::string reply_to;                 // a destination name
    std::string content_type;             // MIME type
    std::string type;                     // JMSType: an application-defined message type
    // Application properties in the order sent; a name may repeat.
    std::vector<std::pair<std::string, std::string>> properties;

    bool expired_at(std::int64_t now_ms) const { return expires_at_ms > 0 && expires_at_ms <= now_ms; }

    static constexpr int unset_priority = -1;
    static constexpr int default_priority = 4; // JMS
};

} // namespace gantry::engine
