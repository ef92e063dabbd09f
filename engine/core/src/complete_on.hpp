#pragma once

#include "gantry/engine/asio.hpp"

namespace gantry::core {

// Runs `f(args)` on `ex`, later: the engine answers a caller on the
// caller's executor and never from inside the call that asked.
template <typename F, typename... A>
void complete_on(const asio::any_io_executor& ex, F f, A... args) {
    asio::post(ex, [f = std::move(f), ... args = std::move(args)]() mutable { f(std::move(args)...); });
}

} // namespace gantry::core
