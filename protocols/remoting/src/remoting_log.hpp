#pragma once

#include <memory>

#include "gantry/engine/module_log.hpp"

namespace gantry::protocols::remoting {

// The module's one logger ("remoting").
inline std::shared_ptr<spdlog::logger> remoting_log() { return module_log("remoting"); }

} // namespace gantry::protocols::remoting
