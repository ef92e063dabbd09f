#pragma once

#include <memory>

#include "gantry/bridge/bridge_config.hpp"
#include "gantry/bridge/bridge_status.hpp"
#include "gantry/engine/facade.hpp"
#include "gantry/protocols/common/asio_net.hpp"

namespace gantry::bridge {

class mqtt_bridge_session;

// A store-and-forward link to a remote MQTT broker (issue #9, bridge/README.md).
// Outbound, each sending topic rule reads its local topics as a durable
// engine group and a message is settled only once the remote confirmed it
// (PUBACK, PUBCOMP; at once for QoS 0): while the remote is away the backlog
// stays in the commit log and drains in order when it is back. Inbound,
// remote messages are appended locally and acknowledged only once stored.
// Runs on one executor; start, stop and status may be called from any thread.
class mqtt_bridge {
public:
    // Throws std::runtime_error naming a TLS file that cannot be used.
    mqtt_bridge(asio::any_io_executor executor, engine::facade& engine, mqtt_bridge_config config);
    ~mqtt_bridge();
    mqtt_bridge(const mqtt_bridge&) = delete;
    mqtt_bridge& operator=(const mqtt_bridge&) = delete;

    void start();
    // Disconnects and ends the engine subscriptions; waits until that ran.
    void stop();
    bridge_status status() const;

private:
    std::shared_ptr<mqtt_bridge_session> session_;
};

} // namespace gantry::bridge
