#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/common/listen_error.hpp"

namespace gantry::protocols::common {

// What every acceptor of the listener layer (TCP, WebSocket) shares: binding
// with an operator-readable failure, and warnings that cannot flood the log.

// The configuration keys a bind failure tells the operator to change.
struct listen_keys {
    std::string host; // "listenHost"
    std::string port; // "mqtt.listenPort", "websocketPort"
};

// Resolves `host`, opens, binds (with SO_REUSEADDR) and listens on `acceptor`.
// On failure the acceptor is closed and the one line names `what` ("MQTT"),
// the address and the key to change: "cannot listen on 127.0.0.1:1883 (MQTT):
// address already in use; stop the other process or set mqtt.listenPort".
std::optional<listen_error> open_listen_socket(asio::ip::tcp::acceptor& acceptor, const std::string& host,
                                               std::uint16_t port, std::string_view what, const listen_keys& keys);

// "host:port", with brackets around an IPv6 host.
std::string host_port(const std::string& host, std::uint16_t port);

// At most one warning per interval on the "listener" logger; the ones left
// out are counted in the next. Not thread-safe: one per strand.
class warning_limiter {
public:
    explicit warning_limiter(std::chrono::steady_clock::duration interval = std::chrono::seconds(10))
        : interval_(interval) {}

    void warn(const std::string& message);

private:
    std::chrono::steady_clock::duration interval_;
    bool warned_once_ = false;
    std::chrono::steady_clock::time_point last_warning_;
    std::size_t unlogged_ = 0;
};

} // namespace gantry::protocols::common
