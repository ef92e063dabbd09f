#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gantry/protocols/mqtt/properties.hpp"

namespace gantry::protocols::mqtt {

struct unsubscribe_packet {
    std::uint16_t packet_id = 0;
    std::vector<std::string> filters;  // at least one
    mqtt::properties properties;

    bool operator==(const unsubscribe_packet&) const = default;
};

} // namespace gantry::protocols::mqtt
