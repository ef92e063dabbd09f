#pragma once

#include "gantry/protocols/mqtt/properties.hpp"
#include "gantry/protocols/mqtt/reason_code.hpp"

namespace gantry::protocols::mqtt {

// CONNACK. Before 5.0 the reason travels as its 3.1.1 return code
// (to_v3_connack_code).
struct connack_packet {
    bool session_present = false;
    reason_code reason = reason_code::success;
    mqtt::properties properties;

    bool operator==(const connack_packet&) const = default;
};

} // namespace gantry::protocols::mqtt
