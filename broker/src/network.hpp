#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gantry/protocols/common/io_pool.hpp"
#include "gantry/protocols/common/tcp_listener.hpp"
#include "gantry/protocols/websocket/websocket_listener.hpp"

namespace gantry::broker {

// The io_context threads every connection lives on and the protocol
// listeners that feed them. Accepting runs on the pool's first context.
class network {
public:
    explicit network(std::size_t io_threads);
    ~network();
    network(const network&) = delete;
    network& operator=(const network&) = delete;

    // Starts listening for `module`. Throws startup_error with the
    // listener's one line (address in use, permission, ...).
    void listen(std::shared_ptr<protocols::common::protocol_module> module,
                protocols::common::listener_config config);
    // Starts a WebSocket/HTTP listener serving `routes` (the module objects
    // the TCP listeners use). Throws startup_error like listen(). Returns the
    // subprotocols it offers, for the start-up line.
    std::vector<std::string> listen_websocket(std::vector<protocols::websocket::websocket_route> routes,
                                              protocols::websocket::websocket_listener_config config);
    // An io thread's executor for a client the broker runs itself (a bridge).
    asio::any_io_executor client_executor() { return pool_.next().get_executor(); }
    // Stops every listener, closes their connections and joins the threads.
    void stop();

private:
    protocols::common::io_pool pool_;
    std::vector<std::unique_ptr<protocols::common::tcp_listener>> listeners_;
    std::vector<std::unique_ptr<protocols::websocket::websocket_listener>> websockets_;
    bool running_ = true;
};

} // namespace gantry::broker
