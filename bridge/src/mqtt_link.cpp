#include "mqtt_link.hpp"

#include <fmt/format.h>

#include <utility>

namespace gantry::bridge {

namespace mqtt = protocols::mqtt;

mqtt_link::mqtt_link(asio::any_io_executor executor, mqtt::protocol_version version, events on,
                     std::shared_ptr<asio::ssl::context> tls, bool verify)
    : version_(version),
      on_(std::move(on)),
      connection_(remote_connection::owned_by(*this, executor, std::move(tls), verify)),
      keep_alive_timer_(executor) {}

void mqtt_link::on_connection_opened() { arm_keep_alive(); }

void mqtt_link::on_connection_closed(std::string why) {
    keep_alive_timer_.cancel();
    if (on_.closed) on_.closed(std::move(why));
}

mqtt_link::~mqtt_link() { connection_->close(); }

void mqtt_link::open(const std::string& address, mqtt::connect_packet connect, std::chrono::milliseconds timeout) {
    connect_ = std::move(connect);
    send(connect_); // goes out once the connection is up
    connection_->open(address, timeout);
}

void mqtt_link::send(const mqtt::mqtt_packet& packet) {
    if (connection_->closed()) return;
    std::vector<std::byte> frame;
    if (auto size = mqtt::mqtt_codec::encode_into(packet, version_, frame); !size) {
        // A packet the codec refuses is the bridge's own bug or a message
        // that cannot travel (a topic too long): the link cannot go on.
        return fail("cannot encode a packet for " + address() + ": " + size.error().message());
    }
    connection_->write(std::move(frame));
}

result<std::size_t> mqtt_link::send_publish(const mqtt::publish_packet& publish, std::size_t max_size) {
    std::vector<std::byte> frame;
    const auto size = mqtt::mqtt_codec::encode_into(publish, version_, frame);
    if (!size) return size;
    if (max_size > 0 && *size > max_size) return make_error_code(mqtt::mqtt_errc::packet_too_large);
    connection_->write(std::move(frame));
    return size;
}

std::size_t mqtt_link::on_bytes(std::span<const std::byte> input) {
    std::size_t consumed = 0;
    while (!connection_->closed() && !connection_->reading_paused()) {
        auto decoded = codec_.decode(input.subspan(consumed), version_);
        if (decoded.status == mqtt::decode_status::need_more) break;
        if (decoded.status == mqtt::decode_status::error) {
            fail(address() + " sent a malformed packet: " + decoded.diagnostic.message);
            break;
        }
        consumed += decoded.consumed;
        on_.packet(std::move(decoded.packet));
    }
    return consumed;
}

void mqtt_link::arm_keep_alive() {
    if (connect_.keep_alive == 0 || connection_->closed()) return;
    const auto period = std::chrono::seconds(connect_.keep_alive);
    keep_alive_timer_.expires_after(period / 2);
    keep_alive_timer_.async_wait([weak = weak_from_this(), period](const boost::system::error_code& ec) {
        const auto self = weak.lock();
        if (ec || !self || self->connection_->closed()) return;
        const auto now = remote_connection::clock::now();
        if (now - self->connection_->last_received() >= period * 3 / 2)
            return self->fail(fmt::format("{} sent nothing for 1.5 × the keep-alive of {} s", self->address(),
                                          period.count()));
        if (now - self->connection_->last_sent() >= period / 2) self->send(mqtt::pingreq_packet{});
        self->arm_keep_alive();
    });
}

void mqtt_link::close() {
    keep_alive_timer_.cancel();
    connection_->close();
}

} // namespace gantry::bridge
