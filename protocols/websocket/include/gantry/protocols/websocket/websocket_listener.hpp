#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/common/connection_limits.hpp"
#include "gantry/protocols/common/io_pool.hpp"
#include "gantry/protocols/common/listen_error.hpp"
#include "gantry/protocols/common/protocol_module.hpp"
#include "gantry/protocols/common/socket_acceptor.hpp"

namespace gantry::protocols::common {
class tls_server_context;
}

namespace gantry::protocols::websocket {

struct websocket_site;

// A protocol module served over WebSocket, with the limits its connections
// get (those of its TCP listener: maxFrameSize is also the largest WebSocket
// message accepted).
struct websocket_route {
    std::shared_ptr<common::protocol_module> module;
    common::connection_limits limits;
};

struct websocket_listener_config {
    std::string host = "0.0.0.0"; // listenHost
    std::uint16_t port = 8080;    // websocketPort; 0 = any free port (tests)
    // Set: the port speaks TLS (wss and https), with the certificate the
    // context holds when a socket is accepted.
    std::shared_ptr<common::tls_server_context> tls;
    std::string port_key = "websocketPort"; // what a bind failure names (websocketTlsPort)
    // websocket.maxConnections: sockets open on this listener at once, whatever
    // they are (an HTTP request being read, a WebSocket of any protocol). Past
    // it a new one is closed at once, as tcp_listener does.
    std::size_t max_connections = 10'000;
    // websocket.idleTimeout: a WebSocket that sends no data for this long is
    // closed (the shorter of this and the protocol's idleTimeout applies);
    // zero leaves only the protocol's. The broker answers pings but sends
    // none: MQTT keep-alive and STOMP heart-beats are the liveness checks.
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
    // websocket.staticDir: GET requests other than /healthz are answered with
    // files under it; empty: none (404).
    std::filesystem::path static_dir;
};

// WebSocket and plain HTTP on one port (or, with a TLS context, wss and https),
// for every protocol module that lists
// WebSocket subprotocols. Accepting runs on a strand of `accept_context`; each
// socket moves to the next io_pool context at once, where one HTTP request is
// read (at most 8 KiB of headers within 10 s) and answered:
//
// - a WebSocket upgrade (any path) offering a subprotocol some module lists
//   (the client's first such offer wins) becomes a common::connection running
//   that module's session, exactly as over TCP, with that route's limits;
// - an upgrade offering none: 400, with the subprotocols the broker speaks;
// - GET /healthz: 200 "ok"; any other GET: a file from staticDir or 404.
//
// start() (once) and stop() may be called from any thread but the accept
// context's own, stop() while that context is still running.
class websocket_listener {
public:
    websocket_listener(asio::io_context& accept_context, common::io_pool& pool, std::vector<websocket_route> routes,
                       websocket_listener_config config);
    ~websocket_listener();
    websocket_listener(const websocket_listener&) = delete;
    websocket_listener& operator=(const websocket_listener&) = delete;

    // Binds and starts accepting; a failure is the one line for the operator.
    std::optional<common::listen_error> start();

    // Stops accepting, abandons requests being read and closes every
    // WebSocket connection (their sessions hear "listener stopped").
    // Idempotent.
    void stop();

    // The bound port after start() (the ephemeral one for port 0).
    std::uint16_t port() const noexcept;
    // Sockets accepted and not yet closed, upgraded or not (any thread).
    std::size_t live_connections() const noexcept;
    // Every subprotocol offered, in route order ("mqtt", "mqttv3.1", ...).
    std::vector<std::string> subprotocols() const;

private:
    // What start() refuses with, found while building the site (a staticDir
    // that is no directory); nothing when all is well. Declared before site_,
    // whose construction fills it.
    std::optional<std::string> site_problem_;
    std::shared_ptr<const websocket_site> site_;
    common::socket_acceptor acceptor_;
};

} // namespace gantry::protocols::websocket
