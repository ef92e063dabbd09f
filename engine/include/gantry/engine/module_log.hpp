#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace gantry {

// A module's logger: the one the broker registered under the module's name
// ("store", "core", "mqtt", ...), else the default logger (tests, tools).
inline std::shared_ptr<spdlog::logger> module_log(const char* module) {
    auto logger = spdlog::get(module);
    return logger ? logger : spdlog::default_logger();
}

} // namespace gantry
