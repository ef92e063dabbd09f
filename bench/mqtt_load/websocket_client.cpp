#include "websocket_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdio>
#include <utility>
#include <variant>

namespace mqtt_load {

namespace beast = boost::beast;
namespace ws = boost::beast::websocket;
using boost::system::error_code;

namespace {

constexpr const char* websocket_path = "/mqtt";
constexpr const char* subprotocol = "mqtt";
constexpr std::size_t read_chunk = 64 * 1024;
// Beast masks a client's payload through its write buffer, one socket write per buffer's worth.
constexpr std::size_t write_buffer_bytes = 64 * 1024;

std::string describe(mqtt::reason_code reason) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%02X", static_cast<unsigned>(reason));
    return text;
}

} // namespace

websocket_client::websocket_client(const connection_options& options, std::string id, bool clean_session)
    : mqtt_client(options, std::move(id)), clean_session_(clean_session),
      version_(options.protocol == 5 ? mqtt::protocol_version::v5 : mqtt::protocol_version::v3_1_1), ws_(io_) {
    ws_.binary(true);
    ws_.auto_fragment(false);
    ws_.write_buffer_bytes(write_buffer_bytes);
    // Masks protect proxies from a hostile page; a load tool's need no cryptographic generator.
    ws_.secure_prng(false);
    ws_.set_option(ws::stream_base::decorator(
        [](ws::request_type& request) { request.set(beast::http::field::sec_websocket_protocol, subprotocol); }));
}

void websocket_client::connect() {
    error_code ec;
    boost::asio::ip::tcp::resolver resolver(io_);
    const auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec) fail("cannot resolve " + options_.host + ": " + ec.message());
    auto& socket = beast::get_lowest_layer(ws_);
    bool tcp_done = false;
    boost::asio::async_connect(socket, endpoints, [&](const error_code& e, const auto&) {
        tcp_done = true;
        if (e) error_ = "cannot connect: " + e.message();
    });
    wait([&] { return tcp_done; }, "TCP connection");
    socket.set_option(boost::asio::ip::tcp::no_delay(true));

    bool upgraded = false;
    ws_.async_handshake(options_.host + ":" + std::to_string(options_.port), websocket_path,
                        [&](const error_code& e) {
                            upgraded = true;
                            if (e) error_ = std::string("WebSocket upgrade to ") + websocket_path + ": " + e.message();
                        });
    wait([&] { return upgraded; }, "WebSocket upgrade");

    start_read();
    mqtt::connect_packet packet;
    packet.client_id = id_;
    packet.clean_start = clean_session_;
    packet.keep_alive = static_cast<std::uint16_t>(options_.keepalive);
    send(packet);
    wait([this] { return connack_; }, "CONNACK");
    connected_ = true;
}

void websocket_client::subscribe(const std::string& topic, int qos) {
    granted_qos_ = -1;
    mqtt::subscribe_packet packet;
    packet.packet_id = next_packet_id();
    auto& subscription = packet.subscriptions.emplace_back();
    subscription.filter = topic;
    subscription.qos = static_cast<std::uint8_t>(qos);
    send(packet);
    wait([this] { return granted_qos_ >= 0; }, "SUBACK");
    if (granted_qos_ != qos) {
        fail("subscription to " + topic + " granted " + describe(static_cast<mqtt::reason_code>(granted_qos_)) +
             ", not QoS " + std::to_string(qos));
    }
}

void websocket_client::disconnect() {
    if (!connected_ || closed_) return;
    closing_ = true;
    send(mqtt::disconnect_packet{});
    wait([this] { return closed_; }, "the end of the connection");
    connected_ = false;
}

void websocket_client::publish(const std::string& topic, const void* payload, int size, int qos) {
    auto& packet = std::get<mqtt::publish_packet>(publish_);
    packet.topic = topic;
    packet.payload.assign(static_cast<const char*>(payload), static_cast<std::size_t>(size));
    packet.qos = static_cast<std::uint8_t>(qos);
    packet.packet_id = qos > 0 ? next_packet_id() : 0;
    send(publish_, qos == 0);
}

void websocket_client::loop(int timeout_ms) {
    if (timeout_ms > 0) io_.run_one_for(std::chrono::milliseconds(timeout_ms));
    io_.poll();
    if (io_.stopped()) io_.restart();
    if (!error_.empty()) fail(error_);
    ping_if_idle();
}

void websocket_client::send(const mqtt::mqtt_packet& packet, bool qos0_publish) {
    const auto encoded = mqtt::mqtt_codec::encode_into(packet, version_, out_);
    if (!encoded) {
        fail("cannot encode a packet of type " + std::to_string(static_cast<int>(mqtt::type_of(packet))) + ": " +
             encoded.error().message());
    }
    out_packets_.push_back({*encoded, qos0_publish});
    last_sent_ = clock::now();
    if (writing_packets_.empty()) start_write();
}

void websocket_client::start_write() {
    if (out_packets_.empty() || closed_) return;
    writing_.swap(out_);
    writing_packets_.swap(out_packets_);
    written_packets_ = 0;
    written_bytes_ = 0;
    write_next();
}

void websocket_client::write_next() {
    if (written_packets_ == writing_packets_.size()) {
        writing_.clear();
        writing_packets_.clear();
        start_write();
        return;
    }
    const auto size = writing_packets_[written_packets_].size;
    ws_.async_write(boost::asio::buffer(writing_.data() + written_bytes_, size),
                    [this](const error_code& ec, std::size_t) {
                        if (ec) {
                            if (!closing_) error_ = "cannot write: " + ec.message();
                            return;
                        }
                        const auto& written = writing_packets_[written_packets_++];
                        written_bytes_ += written.size;
                        if (written.qos0_publish && on_published) on_published();
                        write_next();
                    });
}

void websocket_client::start_read() {
    ws_.async_read_some(in_.prepare(read_chunk), [this](const error_code& ec, std::size_t n) { on_read(ec, n); });
}

void websocket_client::on_read(const error_code& ec, std::size_t n) {
    if (ec) {
        closed_ = true;
        if (!closing_) {
            error_ = ec == ws::error::closed ? std::string("broker closed the WebSocket")
                                             : "connection lost: " + ec.message();
        }
        return;
    }
    in_.commit(n);
    while (in_.size() > 0 && error_.empty()) {
        auto decoded =
            codec_.decode({static_cast<const std::byte*>(in_.data().data()), in_.size()}, version_);
        if (decoded.status == mqtt::decode_status::need_more) break;
        if (decoded.status == mqtt::decode_status::error) {
            error_ = "undecodable packet from the broker: " + decoded.diagnostic.message;
            return;
        }
        in_.consume(decoded.consumed);
        handle(decoded.packet);
    }
    if (error_.empty()) start_read();
}

void websocket_client::handle(mqtt::mqtt_packet& packet) {
    if (const auto* publish = std::get_if<mqtt::publish_packet>(&packet)) {
        if (publish->qos == 1) {
            mqtt::puback_packet ack;
            ack.packet_id = publish->packet_id;
            send(ack);
        }
        if (on_message) on_message(publish->payload_bytes());
    } else if (std::holds_alternative<mqtt::puback_packet>(packet)) {
        if (on_published) on_published();
    } else if (const auto* connack = std::get_if<mqtt::connack_packet>(&packet)) {
        connack_ = true;
        session_present_ = connack->session_present;
        if (connack->reason != mqtt::reason_code::success) error_ = "CONNACK refused: " + describe(connack->reason);
    } else if (const auto* suback = std::get_if<mqtt::suback_packet>(&packet)) {
        granted_qos_ = suback->reasons.empty() ? 0x80 : static_cast<int>(suback->reasons.front());
    } else if (const auto* disconnect = std::get_if<mqtt::disconnect_packet>(&packet)) {
        if (!closing_) error_ = "broker sent DISCONNECT: " + describe(disconnect->reason);
    } else if (!std::holds_alternative<mqtt::pingresp_packet>(packet)) {
        error_ = "unexpected packet of type " + std::to_string(static_cast<int>(mqtt::type_of(packet)));
    }
}

void websocket_client::ping_if_idle() {
    if (!connected_ || closing_ || options_.keepalive <= 0) return;
    if (clock::now() - last_sent_ >= std::chrono::seconds(options_.keepalive)) send(mqtt::pingreq_packet{});
}

void websocket_client::wait(const std::function<bool()>& done, const char* what) {
    wait_for(done, what, [this] { loop(100); });
}

std::uint16_t websocket_client::next_packet_id() {
    if (++last_packet_id_ == 0) last_packet_id_ = 1;
    return last_packet_id_;
}

} // namespace mqtt_load
