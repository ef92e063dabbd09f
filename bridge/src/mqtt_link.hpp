#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gantry/protocols/common/asio_net.hpp"
#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include "gantry/protocols/mqtt/mqtt_codec.hpp"
#include "link_stream.hpp"

namespace gantry::bridge {

// One client connection of a bridge to a remote MQTT broker: resolve,
// connect, the TLS handshake when the bridge uses TLS, CONNECT, then packets
// both ways through Gantry's own codec, with
// the client's keep-alive (PINGREQ when quiet, closed when the remote stays
// silent for 1.5 × keep-alive). Lives on one executor; every event is posted
// there, and none comes after close() or after `closed` was reported.
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

    // Connects to "host:port" and sends `connect` (with the keep-alive it names).
    void open(const std::string& address, protocols::mqtt::connect_packet connect,
              std::chrono::milliseconds timeout);
    void send(const protocols::mqtt::mqtt_packet& packet);
    // Stops reading (a caller whose appends are behind) and starts again.
    void pause_reading();
    void resume_reading();
    void close();

    const std::string& address() const noexcept { return address_; }
    // Bytes written but not yet on the socket; a sender stops above a budget.
    std::size_t queued_bytes() const noexcept { return queued_bytes_; }

private:
    void on_resolved(const boost::system::error_code& ec, const asio::ip::tcp::resolver::results_type& endpoints);
    void on_connected(const boost::system::error_code& ec);
    void on_secured(const boost::system::error_code& ec);
    void read_more();
    void on_read(const boost::system::error_code& ec, std::size_t n);
    void write_more();
    void arm_keep_alive();
    void fail(std::string why);

    asio::any_io_executor executor_;
    protocols::mqtt::protocol_version version_;
    protocols::mqtt::mqtt_codec codec_;
    events on_;
    asio::ip::tcp::resolver resolver_;
    link_stream stream_;
    bool verify_;
    std::string host_;
    asio::steady_timer connect_timer_;
    asio::steady_timer keep_alive_timer_;
    std::string address_;
    protocols::mqtt::connect_packet connect_;

    std::vector<std::byte> input_;
    std::size_t input_used_ = 0;
    bool reading_ = false;
    bool paused_ = false;
    std::deque<std::vector<std::byte>> output_;
    std::size_t queued_bytes_ = 0;
    bool writing_ = false;
    bool connected_ = false;
    bool done_ = false;
    std::chrono::steady_clock::time_point last_sent_;
    std::chrono::steady_clock::time_point last_received_;
};

} // namespace gantry::bridge
