#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gantry/protocols/naming/engine_route.hpp"

namespace gantry::bridge {

// A local destination as an AMQP bridge's link names it: "queue://orders"
// or "topic://sensors/room1", levels separated by '/' as in MQTT; a topic
// link that reads may use '+' and '#'.
struct local_destination {
    bool queue = false;
    protocols::naming::engine_route route;
};

struct local_destination_result {
    std::optional<local_destination> destination;
    std::string error; // what is wrong with the text
};

local_destination_result parse_local_destination(std::string_view text, bool reading);

} // namespace gantry::bridge
