#pragma once

#include <memory>

#include "gantry/engine/module_log.hpp"

namespace gantry::bridge {

// The bridges' one logger ("bridge").
inline std::shared_ptr<spdlog::logger> bridge_log() { return module_log("bridge"); }

} // namespace gantry::bridge
