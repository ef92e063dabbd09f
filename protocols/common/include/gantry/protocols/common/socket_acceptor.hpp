#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/common/io_pool.hpp"
#include "gantry/protocols/common/listen_error.hpp"
#include "gantry/protocols/common/listen_socket.hpp"

namespace gantry::protocols::common {

// What an acceptor made of an accepted socket (a connection, or an HTTP
// exchange that may become one), as the acceptor needs to end it.
class accepted_socket {
public:
    virtual ~accepted_socket() = default;
    virtual asio::any_io_executor executor() const = 0;
    // The listener stops; called on executor().
    virtual void abort_for_stop() = 0;
};

struct acceptor_settings {
    std::string what;  // "MQTT", "WebSocket": names the listener in logs
    std::string host;
    std::uint16_t port = 0; // 0: any free port (tests)
    listen_keys keys;       // what a bind failure tells the operator to change
    std::size_t max_connections = 0;
    std::string max_connections_key; // "mqtt.maxConnections"
};

// The accept loop every listener shares (TCP protocols, WebSocket): binds,
// accepts on a strand of `accept_context`, moves each socket to the next
// io_pool context and hands it to `admit` there, closes one over
// maxConnections with a rate-limited warning, retries a failed accept after
// a pause, and at stop() closes the port and aborts everything it admitted
// that still lives. `admit` returns what the socket became and calls
// `finished` (from any thread; it only posts) once that ends.
//
// start() (once) and stop() may be called from any thread but the accept
// context's own, stop() while that context is still running.
class socket_acceptor {
public:
    using admit_function = std::function<std::shared_ptr<accepted_socket>(
        accepted_tcp_socket socket, std::uint64_t id, std::function<void()> finished)>;

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
