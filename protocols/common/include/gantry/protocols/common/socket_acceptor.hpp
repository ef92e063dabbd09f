#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "gantry/protocols/common/accepted_socket.hpp"
#include "gantry/protocols/common/admission.hpp"
#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/common/io_pool.hpp"
#include "gantry/protocols/common/listen_error.hpp"
#include "gantry/protocols/common/listen_socket.hpp"

namespace gantry::protocols::common {

struct acceptor_settings {
    std::string what;  // "MQTT", "WebSocket": names the listener in logs
    std::string host;
    std::uint16_t port = 0; // 0: any free port (tests)
    listen_keys keys;       // what a bind failure tells the operator to change
    std::size_t max_connections = 0;
    std::string max_connections_key; // "mqtt.maxConnections"
    // Shared with what the sockets become, which count themselves out.
    std::shared_ptr<admission> admitted;
};

// The accept loop every listener shares (TCP protocols, WebSocket): binds,
// accepts on a strand of `accept_context`, moves each socket to the next
// io_pool context and hands it to `admit` there, closes one over
// maxConnections with a rate-limited warning, retries a failed accept after
// a pause, and at stop() closes the port and aborts everything it admitted
// that still lives (each io_context's open_connections knows them). What
// `admit` makes of a socket is an accepted_socket whose admitted_by() is
// settings.admitted, and counts itself out of it when it ends.
//
// start() (once) and stop() may be called from any thread but the accept
// context's own, stop() while that context is still running.
class socket_acceptor {
public:
    using admit_function = std::function<void(accepted_tcp_socket socket, std::uint64_t id)>;

    socket_acceptor(asio::io_context& accept_context, io_pool& pool, acceptor_settings settings, admit_function admit);
    ~socket_acceptor();
    socket_acceptor(const socket_acceptor&) = delete;
    socket_acceptor& operator=(const socket_acceptor&) = delete;

    std::optional<listen_error> start();
    // Idempotent; returns once the accept context took the request.
    void stop();

    // The bound port after start() (the ephemeral one for port 0).
    std::uint16_t port() const noexcept;
    // Admitted and not yet finished (any thread).
    std::size_t live_connections() const noexcept;

private:
    class state;

    std::shared_ptr<state> state_;
    std::atomic<bool> stop_requested_{false};
};

} // namespace gantry::protocols::common
