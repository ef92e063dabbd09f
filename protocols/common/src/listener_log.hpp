#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace gantry::protocols::common {

// The listener layer's logger: the one the broker registered as "listener",
// else the default logger (tests, tools).
inline std::shared_ptr<spdlog::logger> listener_log() {
    auto logger = spdlog::get("listener");
    return logger ? logger : spdlog::default_logger();
}

} // namespace gantry::protocols::common
