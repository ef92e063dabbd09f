#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/common/connection_limits.hpp"
#include "gantry/protocols/common/io_pool.hpp"
#include "gantry/protocols/common/listen_error.hpp"
#include "gantry/protocols/common/protocol_module.hpp"
#include "gantry/protocols/common/socket_acceptor.hpp"

namespace gantry::protocols::common {

class tls_server_context;

struct listener_config {
    std::string host = "0.0.0.0"; // key_prefix + "listenHost"
    std::uint16_t port = 0;       // 0 = any free port (tests)
    connection_limits limits;     // usually module.default_limits() with overrides
    // TLS on every accepted connection, with the context current when it
    // is accepted; null: plain TCP.
    std::shared_ptr<tls_server_context> tls;
    // The key that sets `port`, named when it cannot be bound; empty: key_prefix + "listenPort".
    std::string port_key;
};

// Accepts TCP connections, plain or TLS, for one protocol module. Accepting runs on
// `accept_context` (a context of its own, or any one thread runs); each new
// connection is handed to the next io_pool context and lives there. Over
// maxConnections, a new connection is closed at once with a warning.
//
// start() (once) and stop() may be called from any thread but the accept
// context's own, stop() while that context is still running. The listener's state lives on a strand of the
// accept context; connections tell it they closed by posting there.
class tcp_listener {
public:
    tcp_listener(asio::io_context& accept_context, io_pool& pool, std::shared_ptr<protocol_module> module,
                 listener_config config);
    ~tcp_listener();
    tcp_listener(const tcp_listener&) = delete;
    tcp_listener& operator=(const tcp_listener&) = delete;

    // Binds and starts accepting. A failure is a value carrying the one line
    // for the operator; gantryd stops start-up with it.
    std::optional<listen_error> start();

    // Stops accepting and closes every live connection (their sessions hear
    // "listener stopped"). Returns once that is under way; the io_pool's stop
    // waits for the closes to finish. Idempotent.
    void stop();

    // The bound port after start() (the ephemeral one for port 0).
    std::uint16_t port() const noexcept;
    // Connections accepted and not yet closed (any thread; for tests and metrics).
    std::size_t live_connections() const noexcept;

private:
    std::shared_ptr<protocol_module> module_;
    listener_config config_;
    std::shared_ptr<admission> admitted_ = std::make_shared<admission>();
    socket_acceptor acceptor_;
};

} // namespace gantry::protocols::common
