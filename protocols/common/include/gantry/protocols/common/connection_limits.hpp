#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gantry::protocols::common {

// What one connection may cost the broker. Every field becomes a per-protocol
// configuration key (key_prefix + the name in the comment); the defaults are
// safe for a broker on a small machine. A module narrows them in
// protocol_module::default_limits().
struct connection_limits {
    // maxConnections: accepted connections per listener; past it a new one is
    // closed at once.
    std::size_t max_connections = 10'000;
    // maxFrameSize: the largest frame the protocol's codec accepts. The
    // connection does not frame; the module's session enforces it.
    std::size_t max_frame_size = 4 * 1024 * 1024;
    // inputBudgetBytes: bytes read but not yet consumed by the session. A
    // session that needs more than this to make progress is closed. Must be at
    // least max_frame_size, and at most 2 GiB.
    std::size_t input_budget_bytes = 5 * 1024 * 1024;
    // outputBudgetBytes: bytes queued for the peer. Past it the connection
    // stops reading (and consuming) until the queue drains to half of it.
    std::size_t output_budget_bytes = 4 * 1024 * 1024;
    // idleTimeout: close after no byte was read for this long; zero turns it
    // off. Time spent paused by back-pressure does not count. Protocols with a
    // keep-alive set their own per session (connection::set_idle_timeout).
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(120)};
    // flushTimeout: how long close_after_flush waits for the peer to take the
    // last bytes before closing anyway.
    std::chrono::milliseconds flush_timeout{std::chrono::seconds(5)};
    // Prefix of the configuration keys above ("mqtt." gives "mqtt.maxFrameSize");
    // only used to name keys in messages to operators.
    std::string key_prefix;

    // The full key name for operator messages: key("maxConnections").
    std::string key(std::string_view name) const { return key_prefix + std::string(name); }

    // Limits sized for a protocol whose frames are at most `max_frame` bytes:
    // the input budget is one frame plus 1 MiB.
    static connection_limits for_frame_size(std::size_t max_frame);

    // Why these limits cannot work, naming the key; nothing when they can.
    std::optional<std::string> validate() const;
};

} // namespace gantry::protocols::common
