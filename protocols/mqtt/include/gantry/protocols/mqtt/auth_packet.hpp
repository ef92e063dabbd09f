#pragma once

#include "gantry/protocols/mqtt/properties.hpp"
#include "gantry/protocols/mqtt/reason_code.hpp"

namespace gantry::protocols::mqtt {

// AUTH (5.0 only): enhanced authentication exchanges.
struct auth_packet {
    reason_code reason = reason_code::success;
    mqtt::properties properties;

    bool operator==(const auth_packet&) const = default;
};

} // namespace gantry::protocols::mqtt
