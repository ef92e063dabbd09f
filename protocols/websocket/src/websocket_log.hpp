#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace gantry::protocols::websocket {

// WebSocket is a listener like TCP: it logs as "listener" (falling back to
// the default logger in tests and tools).
inline std::shared_ptr<spdlog::logger> websocket_log() {
    auto logger = spdlog::get("listener");
    return logger ? logger : spdlog::default_logger();
}

} // namespace gantry::protocols::websocket
