#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "gantry/protocols/mqtt/properties.hpp"

namespace gantry::protocols::mqtt {

// PUBLISH. `packet_id` is on the wire only for QoS 1 and 2; `topic` may be
// empty in 5.0 when `properties.topic_alias` names it.
struct publish_packet {
    std::string topic;
    std::string payload; // binary: the engine's body type, so that it moves there uncopied
    std::uint8_t qos = 0;
    bool retain = false;
    bool dup = false;
    std::uint16_t packet_id = 0;
    mqtt::properties properties;

    std::span<const std::byte> payload_bytes() const noexcept { return std::as_bytes(std::span(payload)); }

    bool operator==(const publish_packet&) const = default;
};

} // namespace gantry::protocols::mqtt
