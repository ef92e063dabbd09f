#pragma once

#include <memory>

#include "gantry/bridge/bridge_config.hpp"
#include "gantry/bridge/bridge_status.hpp"
#include "gantry/engine/facade.hpp"
#include "gantry/protocols/common/asio_net.hpp"

namespace gantry::bridge {

class bridge_session;

// A store-and-forward link to a remote MQTT or AMQP 1.0 broker (issue #9,
// bridge/README.md). Outbound, each sending rule reads its local
// destination as a durable engine group and a message is settled only once
// the remote confirmed it (PUBACK, PUBCOMP, AMQP accepted; at once when
// configured at-most-once): while the remote is away the backlog stays in
// the commit log and drains in order when it is back. Inbound, remote
// messages are appended locally and acknowledged only once stored.
// Runs on one executor; start, stop and status may be called from any thread.
class bridge {
public:
    // Throws std::runtime_error naming a TLS file that cannot be used.
    bridge(asio::any_io_executor executor, engine::facade& engine, bridge_config config);
    ~bridge();
    bridge(const bridge&) = delete;
    bridge& operator=(const bridge&) = delete;

    void start();
    // Disconnects and ends the engine subscriptions; waits until that ran.
    void stop();
    bridge_status status() const;

private:
    std::shared_ptr<bridge_session> session_;
};

} // namespace gantry::bridge
