#pragma once

#include <memory>

#include "gantry/engine/module_log.hpp"

namespace gantry::protocols::mqtt {

// The module's one logger ("mqtt").
inline std::shared_ptr<spdlog::logger> mqtt_log() { return module_log("mqtt"); }

} // namespace gantry::protocols::mqtt
