#pragma once

#include "gantry/broker/broker_config.hpp"

namespace gantry::broker {

// Sets up one spdlog logger per module ("broker", "store", ...) over shared
// sinks: stderr, plus logFile when set, at logLevel. The default logger
// writes to the same sinks for libraries that log through it. Throws
// startup_error when logFile cannot be opened.
void setup_logging(const log_config& config);

} // namespace gantry::broker
