#pragma once

#include <cstdint>

namespace gantry::protocols::mqtt {

// The CONNECT protocol level of each supported version.
enum class protocol_version : std::uint8_t {
    v3_1 = 3,    // protocol name "MQIsdp"
    v3_1_1 = 4,  // protocol name "MQTT"
    v5 = 5,      // protocol name "MQTT"
};

} // namespace gantry::protocols::mqtt
