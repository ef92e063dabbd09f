#pragma once

#include <memory>

#include "gantry/engine/module_log.hpp"

namespace gantry::protocols::amqp {

// The module's one logger ("amqp").
inline std::shared_ptr<spdlog::logger> amqp_log() { return module_log("amqp"); }

} // namespace gantry::protocols::amqp
