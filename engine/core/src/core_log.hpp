#pragma once

#include "gantry/engine/module_log.hpp"

namespace gantry::core {

inline std::shared_ptr<spdlog::logger> core_log() { return module_log("core"); }

} // namespace gantry::core
