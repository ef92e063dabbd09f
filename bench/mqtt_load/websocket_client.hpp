#pragma once

#include "gantry/engine/asio.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "gantry/protocols/mqtt/mqtt_codec.hpp"
#include "mqtt_client.hpp"

namespace mqtt_load {

namespace mqtt = gantry::protocols::mqtt;

// MQTT over WebSocket (subprotocol "mqtt"; libmosquitto 2.0 has no WebSocket
// client) on Boost.Beast, with its own io_context. Packets are encoded and
// decoded by Gantry's mqtt_codec. Each packet goes out as one binary message,
// as browsers' MQTT clients send them; packets sent while a write is in
// progress wait for it in order. What arrives is read as one byte stream,
// whatever the message boundaries. QoS 1 deliveries are acknowledged at once;
// QoS 2 is not spoken.
class websocket_client final : public mqtt_client {
public:
    websocket_client(const connection_options& options, std::string id, bool clean_session);

    void connect() override;
    void subscribe(const std::string& topic, int qos) override;
    void disconnect() override;
    void publish(const std::string& topic, const void* payload, int size, int qos) override;
    void loop(int timeout_ms) override;
    void set_max_inflight(int) override {}
    bool session_present() const override { return session_present_; }

private:
    using clock = std::chrono::steady_clock;

    // An encoded packet waiting for its message, or being written.
    struct queued_packet {
        std::size_t size = 0;
        bool qos0_publish = false; // published once written
    };

    void send(const mqtt::mqtt_packet& packet, bool qos0_publish = false);
    void start_write();
    void write_next();
    void start_read();
    void on_read(const boost::system::error_code& ec, std::size_t n);
    void handle(mqtt::mqtt_packet& packet);
    void ping_if_idle();
    // Waits for done() with loop(); `what` names the wait in the error.
    void wait(const std::function<bool()>& done, const char* what);
    std::uint16_t next_packet_id();

    const bool clean_session_;
    const mqtt::protocol_version version_;
    const mqtt::mqtt_codec codec_;
    boost::asio::io_context io_{1};
    boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
    boost::beast::flat_buffer in_;
    std::vector<std::byte> out_;               // packets sent while a write is in progress
    std::vector<queued_packet> out_packets_;
    std::vector<std::byte> writing_;           // packets being written, one message each
    std::vector<queued_packet> writing_packets_;
    std::size_t written_packets_ = 0;
    std::size_t written_bytes_ = 0;
    mqtt::mqtt_packet publish_{mqtt::publish_packet{}}; // reused: its topic and payload keep their capacity
    std::uint16_t last_packet_id_ = 0;
    clock::time_point last_sent_;
    bool connack_ = false;
    bool session_present_ = false;
    int granted_qos_ = -1;
    bool connected_ = false;
    bool closing_ = false; // DISCONNECT sent: the broker's close is expected
    bool closed_ = false;
    std::string error_;    // set by a completion, thrown on the owner's thread
};

} // namespace mqtt_load
