#pragma once

#include <memory>

#include "gantry/engine/module_log.hpp"

namespace gantry::protocols::stomp {

// The module's one logger ("stomp").
inline std::shared_ptr<spdlog::logger> stomp_log() { return module_log("stomp"); }

} // namespace gantry::protocols::stomp
