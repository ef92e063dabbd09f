#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace gantry::core {

// The engine core's logger: the one the broker registered as "core", else
// the default logger (tests, benchmarks).
inline std::shared_ptr<spdlog::logger> core_log() {
    auto logger = spdlog::get("core");
    return logger ? logger : spdlog::default_logger();
}

} // namespace gantry::core
