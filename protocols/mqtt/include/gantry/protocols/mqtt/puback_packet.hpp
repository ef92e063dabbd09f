#pragma once

#include <cstdint>

#include "gantry/protocols/mqtt/properties.hpp"
#include "gantry/protocols/mqtt/reason_code.hpp"

namespace gantry::protocols::mqtt {

// PUBACK. Before 5.0 only the packet identifier is on the wire.
struct puback_packet {
    std::uint16_t packet_id = 0;
    reason_code reason = reason_code::success;
    mqtt::properties properties;

    bool operator==(const puback_packet&) const = default;
};

} // namespace gantry::protocols::mqtt
