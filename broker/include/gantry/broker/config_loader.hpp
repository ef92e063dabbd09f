#pragma once

#include "gantry/broker/broker_config.hpp"
#include "gantry/broker/command_line.hpp"
#include "gantry/broker/config_registry.hpp"

namespace gantry::broker {

// The effective configuration: the embedded defaults, then the file if one
// was given, then the command-line overrides, then the registry's finishers.
// Throws startup_error naming the key or file at fault.
broker_config load_config(const config_registry& registry, const launch_options& options);

} // namespace gantry::broker
