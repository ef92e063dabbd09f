#pragma once

#include <cstdint>
#include <unordered_map>

namespace gantry::protocols::remoting {

class request_context;

// A request handler (handlers/<request>.cpp). It must answer exactly once
// through the context, now or from an engine completion.
using request_handler = void (*)(request_context ctx);

// Request code → handler. Immutable once built, so every connection shares it.
class handler_registry {
public:
    // The handlers Gantry implements (see README).
    static const handler_registry& standard();

    void add(std::int32_t code, request_handler handler) { handlers_[code] = handler; }
    // nullptr for a code without a handler.
    request_handler find(std::int32_t code) const;

private:
    std::unordered_map<std::int32_t, request_handler> handlers_;
};

} // namespace gantry::protocols::remoting
