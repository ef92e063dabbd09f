#pragma once

#include <cstdint>
#include <vector>

#include "gantry/protocols/mqtt/properties.hpp"
#include "gantry/protocols/mqtt/reason_code.hpp"

namespace gantry::protocols::mqtt {

// SUBACK: one reason code per subscription, in order. Before 5.0 a failure
// code is written as 0x80 (the only one 3.1.1 has).
struct suback_packet {
    std::uint16_t packet_id = 0;
    std::vector<reason_code> reasons;  // at least one
    mqtt::properties properties;

    bool operator==(const suback_packet&) const = default;
};

} // namespace gantry::protocols::mqtt
