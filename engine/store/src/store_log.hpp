#pragma once

#include "gantry/engine/module_log.hpp"

namespace gantry::store {

inline std::shared_ptr<spdlog::logger> store_log() { return module_log("store"); }

} // namespace gantry::store
