#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace gantry::store {

// The store's logger: the one the broker registered as "store", else the
// default logger (tests, benchmarks).
inline std::shared_ptr<spdlog::logger> store_log() {
    auto logger = spdlog::get("store");
    return logger ? logger : spdlog::default_logger();
}

} // namespace gantry::store
