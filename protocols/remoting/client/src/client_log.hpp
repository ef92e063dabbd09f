#pragma once

#include "gantry/engine/module_log.hpp"

namespace gantry::protocols::remoting::client {

inline std::shared_ptr<spdlog::logger> client_log() { return module_log("remoting-client"); }

} // namespace gantry::protocols::remoting::client
