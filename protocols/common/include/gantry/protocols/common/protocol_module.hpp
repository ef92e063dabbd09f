#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/common/connection_limits.hpp"
#include "gantry/protocols/common/protocol_session.hpp"

namespace gantry::protocols::common {

class connection;

// What a new session learns about its connection.
struct session_context {
    std::string remote_address;     // "203.0.113.7:50412", for logs
    std::uint16_t local_port = 0;   // the port the client connected to
    asio::any_io_executor executor; // the connection's executor: post here
    connection_limits limits;       // max_frame_size for the codec, and the key names
};

// A protocol as the listener layer sees it: a name, a port, and a factory of
// sessions over a byte stream whose transport it never learns.
class protocol_module {
public:
    virtual ~protocol_module() = default;

    // "MQTT", "AMQP", ...: how operators know it in logs and messages.
    virtual std::string_view name() const = 0;

    // The port gantryd listens on when the configuration does not say.
    virtual std::uint16_t default_port() const = 0;

    // WebSocket subprotocols it answers ("mqtt"); empty = not over WebSocket.
    virtual std::vector<std::string> websocket_subprotocols() const = 0;

    // Whether text messages carry it over WebSocket, as binary ones do
    // (STOMP), or a peer sending one is closed (MQTT, AMQP: binary only).
    virtual bool accepts_websocket_text() const { return false; }

    // Limits for its listeners before configuration overrides them; at least
    // max_frame_size is the protocol's own.
    virtual connection_limits default_limits() const = 0;

    // A session for a new connection. Runs on that connection's executor,
    // and connections live on several io threads: this must be thread-safe.
    // It must not close the connection; a session that refuses its client
    // does so from its first consume().
    virtual std::unique_ptr<protocol_session> make_session(connection& conn, const session_context& context) = 0;
};

} // namespace gantry::protocols::common
