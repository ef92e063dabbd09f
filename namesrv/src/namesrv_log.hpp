#pragma once

#include <memory>

#include "gantry/engine/module_log.hpp"

namespace gantry::namesrv {

// The module's one logger ("namesrv").
inline std::shared_ptr<spdlog::logger> namesrv_log() { return module_log("namesrv"); }

} // namespace gantry::namesrv
