#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "gantry/protocols/mqtt/mqtt_codec.hpp"
#include "remote_connection.hpp"

namespace gantry::bridge {

// One client connection of a bridge to a remote MQTT broker: CONNECT once
// the connection is up, then packets both ways through Gantry's own codec,
// with the client's keep-alive (PINGREQ when quiet, closed when the remote
// stays silent for 1.5 × keep-alive). Lives on one executor; every event is
// posted there, and none comes after close() or after `closed` was reported.
class mqtt_link : public std::enable_shared_from_this<mqtt_link> {
public:
    struct events {
        std::function<void(protocols::mqtt::mqtt_packet)> packet; // CONNACK first
        std::function<void(std::string why)> closed;               // once
    };

    // `tls`: the bridge's client context, null for plain TCP; `verify`: check
    // the remote's certificate and name.
    mqtt_link(asio::any_io_executor executor, protocols::mqtt::protocol_version version, events on,
              std::shared_ptr<asio::ssl::context> tls = nullptr, bool verify = true);
    ~mqtt_link();

    // Connects to "host:port" and sends `connect` (with the keep-alive it names).
    void open(const std::string& address, protocols::mqtt::connect_packet connect,
              std::chrono::milliseconds timeout);
    void send(const protocols::mqtt::mqtt_packet& packet);
    // Sends a PUBLISH and returns its size. Sends nothing, and keeps the
    // link, for one the codec refuses or one larger than `max_size` (0: no
    // limit): a message this link cannot carry.
    result<std::size_t> send_publish(const protocols::mqtt::publish_packet& publish, std::size_t max_size);
    // Stops reading (a caller whose appends are behind) and starts again.
    void pause_reading() { connection_->pause_reading(); }
    void resume_reading() { connection_->resume_reading(); }
    void close();

    const std::string& address() const noexcept { return connection_->address(); }
    // Bytes written but not yet on the socket; a sender stops above a budget.
    std::size_t queued_bytes() const noexcept { return connection_->queued_bytes(); }

private:
    friend class remote_connection; // its events, through owned_by()
    void on_connection_opened();
    std::size_t on_bytes(std::span<const std::byte> input);
    void on_connection_closed(std::string why);
    void arm_keep_alive();
    void fail(std::string why) { connection_->fail(std::move(why)); }

    protocols::mqtt::protocol_version version_;
    protocols::mqtt::mqtt_codec codec_;
    events on_;
    std::shared_ptr<remote_connection> connection_; // its events hold the link alive while they run
    asio::steady_timer keep_alive_timer_;
    protocols::mqtt::connect_packet connect_;
};

} // namespace gantry::bridge
