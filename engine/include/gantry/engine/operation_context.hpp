#pragma once

#include <string>

#include "gantry/engine/asio.hpp"

namespace gantry::engine {

// Who asks, and where the answer goes. Every facade call carries one; its
// completion runs on `executor` (the caller's connection strand), never on
// an engine thread.
struct operation_context {
    std::string principal; // authenticated user; empty for anonymous
    std::string client_id;
    asio::any_io_executor executor;
};

} // namespace gantry::engine
