#pragma once

#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "gantry/bridge/bridge_config.hpp"

namespace gantry::broker {

// The `[[bridge]]` entries of gantry.toml. Throws startup_error naming the
// file, line, bridge and key of the first entry that is wrong.
std::vector<bridge::bridge_config> read_bridges(const toml::array& entries, std::string_view source_name);

} // namespace gantry::broker
