#pragma once

#include "gantry/protocols/mqtt/properties.hpp"
#include "gantry/protocols/mqtt/reason_code.hpp"

namespace gantry::protocols::mqtt {

// DISCONNECT. Before 5.0 it has no variable header at all.
struct disconnect_packet {
    reason_code reason = reason_code::normal_disconnection;
    mqtt::properties properties;

    bool operator==(const disconnect_packet&) const = default;
};

} // namespace gantry::protocols::mqtt
