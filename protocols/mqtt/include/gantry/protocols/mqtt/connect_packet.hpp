#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gantry/protocols/mqtt/properties.hpp"

namespace gantry::protocols::mqtt {

// The will message a CONNECT may carry (3.1.1 §3.1.2.5, 5.0 §3.1.3.2).
struct will_message {
    std::string topic;
    std::vector<std::byte> payload;
    std::uint8_t qos = 0;
    bool retain = false;
    mqtt::properties properties;  // 5.0 will properties

    bool operator==(const will_message&) const = default;
};

// CONNECT. The protocol version is not a field: decode reports the level the
// packet announced, and encode writes the version it is asked for.
struct connect_packet {
    std::string client_id;
    bool clean_start = true;  // "clean session" before 5.0
    std::uint16_t keep_alive = 0;
    std::optional<will_message> will;
    std::optional<std::string> user_name;
    std::optional<std::vector<std::byte>> password;
    // A bridge's 3.1 / 3.1.1 CONNECT (protocol level | 0x80, Mosquitto's
    // try_private): the broker does not send the bridge its own messages back.
    bool bridge = false;
    mqtt::properties properties;

    bool operator==(const connect_packet&) const = default;
};

} // namespace gantry::protocols::mqtt
