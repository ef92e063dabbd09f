#pragma once

#include <cstdint>

#include "gantry/protocols/mqtt/properties.hpp"
#include "gantry/protocols/mqtt/reason_code.hpp"

namespace gantry::protocols::mqtt {

// PUBCOMP. Before 5.0 only the packet identifier is on the wire.
struct pubcomp_packet {
    std::uint16_t packet_id = 0;
    reason_code reason = reason_code::success;
    mqtt::properties properties;

    bool operator==(const pubcomp_packet&) const = default;
};

} // namespace gantry::protocols::mqtt
