#pragma once

#include <cstdint>
#include <vector>

#include "gantry/protocols/mqtt/properties.hpp"
#include "gantry/protocols/mqtt/reason_code.hpp"

namespace gantry::protocols::mqtt {

// UNSUBACK. Before 5.0 only the packet identifier is on the wire (and
// `reasons` decodes empty); in 5.0 one reason code per filter, at least one.
struct unsuback_packet {
    std::uint16_t packet_id = 0;
    std::vector<reason_code> reasons;
    mqtt::properties properties;

    bool operator==(const unsuback_packet&) const = default;
};

} // namespace gantry::protocols::mqtt
