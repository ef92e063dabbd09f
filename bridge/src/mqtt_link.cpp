#include "mqtt_link.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace gantry::bridge {

namespace mqtt = protocols::mqtt;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr std::size_t read_chunk = 64 * 1024;

} // namespace

mqtt_link::mqtt_link(asio::any_io_executor executor, mqtt::protocol_version version, events on,
                     std::shared_ptr<asio::ssl::context> tls, bool verify)
    : executor_(executor),
      version_(version),
      on_(std::move(on)),
      resolver_(executor),
      stream_(executor, std::move(tls)),
      verify_(verify),
      connect_timer_(executor),
      keep_alive_timer_(executor) {}

void mqtt_link::open(const std::string& address, mqtt::connect_packet connect, std::chrono::milliseconds timeout) {
    address_ = address;
    connect_ = std::move(connect);
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
        asio::post(executor_, [self = shared_from_this()] {
            self->fail("address '" + self->address_ + "' is not host:port");
        });
        return;
    }
    host_ = address.substr(0, colon);
    if (host_.size() > 2 && host_.front() == '[' && host_.back() == ']') host_ = host_.substr(1, host_.size() - 2);
    connect_timer_.expires_after(timeout);
    connect_timer_.async_wait([self = shared_from_this(), timeout](const boost::system::error_code& ec) {
        if (!ec && !self->connected_)
            self->fail(fmt::format("no connection to {} within {} ms", self->address_, timeout.count()));
    });
    resolver_.async_resolve(host_, address.substr(colon + 1),
                            [self = shared_from_this()](const boost::system::error_code& ec,
                                                        const asio::ip::tcp::resolver::results_type& endpoints) {
                                self->on_resolved(ec, endpoints);
                            });
}

void mqtt_link::on_resolved(const boost::system::error_code& ec,
                            const asio::ip::tcp::resolver::results_type& endpoints) {
    if (done_) return;
    if (ec) return fail("cannot resolve " + address_ + ": " + ec.message());
    asio::async_connect(stream_.socket(), endpoints,
                        [self = shared_from_this()](const boost::system::error_code& error, const auto&) {
                            self->on_connected(error);
                        });
}

void mqtt_link::on_connected(const boost::system::error_code& ec) {
    if (done_) return;
    if (ec) return fail("cannot connect to " + address_ + ": " + ec.message());
    boost::system::error_code ignored;
    stream_.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
    if (!stream_.tls()) return on_secured({});
    stream_.expect_peer(host_, verify_);
    stream_.async_handshake([self = shared_from_this()](const boost::system::error_code& error) {
        self->on_secured(error);
    });
}

void mqtt_link::on_secured(const boost::system::error_code& ec) {
    if (done_) return;
    if (ec) return fail("TLS handshake with " + address_ + " failed: " + ec.message());
    connected_ = true;
    connect_timer_.cancel();
    last_received_ = clock_type::now();
    send(connect_);
    read_more();
    arm_keep_alive();
}

void mqtt_link::send(const mqtt::mqtt_packet& packet) {
    if (done_) return;
    std::vector<std::byte> frame;
    if (auto size = mqtt::mqtt_codec::encode_into(packet, version_, frame); !size) {
        // A packet the codec refuses is the bridge's own bug or a message
        // that cannot travel (a topic too long): the link cannot go on.
        return fail("cannot encode a packet for " + address_ + ": " + size.error().message());
    }
    queued_bytes_ += frame.size();
    output_.push_back(std::move(frame));
    last_sent_ = clock_type::now();
    if (connected_) write_more();
}

void mqtt_link::write_more() {
    if (writing_ || output_.empty() || done_) return;
    writing_ = true;
    // Everything queued goes in one gathered write.
    std::vector<asio::const_buffer> buffers;
    buffers.reserve(output_.size());
    for (const auto& frame : output_) buffers.emplace_back(frame.data(), frame.size());
    const auto frames = output_.size();
    stream_.async_write(buffers,
                      [self = shared_from_this(), frames](const boost::system::error_code& ec, std::size_t n) {
                          self->writing_ = false;
                          if (self->done_) return;
                          if (ec) return self->fail("write to " + self->address_ + " failed: " + ec.message());
                          self->queued_bytes_ -= n;
                          self->output_.erase(self->output_.begin(),
                                              self->output_.begin() + static_cast<std::ptrdiff_t>(frames));
                          self->write_more();
                      });
}

void mqtt_link::read_more() {
    if (reading_ || paused_ || done_) return;
    if (input_.size() - input_used_ < read_chunk) input_.resize(input_used_ + read_chunk);
    reading_ = true;
    stream_.async_read_some(asio::buffer(input_.data() + input_used_, input_.size() - input_used_),
                            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                                self->on_read(ec, n);
                            });
}

void mqtt_link::on_read(const boost::system::error_code& ec, std::size_t n) {
    reading_ = false;
    if (done_) return;
    if (ec) {
        return fail(ec == asio::error::eof ? address_ + " closed the connection"
                                           : "read from " + address_ + " failed: " + ec.message());
    }
    last_received_ = clock_type::now();
    input_used_ += n;
    std::size_t consumed = 0;
    while (!done_ && !paused_) {
        auto decoded = codec_.decode(std::span(input_.data() + consumed, input_used_ - consumed), version_);
        if (decoded.status == mqtt::decode_status::need_more) break;
        if (decoded.status == mqtt::decode_status::error)
            return fail(address_ + " sent a malformed packet: " + decoded.diagnostic.message);
        consumed += decoded.consumed;
        on_.packet(std::move(decoded.packet));
    }
    if (done_) return;
    std::copy(input_.begin() + static_cast<std::ptrdiff_t>(consumed),
              input_.begin() + static_cast<std::ptrdiff_t>(input_used_), input_.begin());
    input_used_ -= consumed;
    read_more();
}

void mqtt_link::pause_reading() { paused_ = true; }

void mqtt_link::resume_reading() {
    if (!paused_ || done_) return;
    paused_ = false;
    // Packets already read come first.
    asio::post(executor_, [self = shared_from_this()] { self->on_read({}, 0); });
}

void mqtt_link::arm_keep_alive() {
    if (connect_.keep_alive == 0 || done_) return;
    const auto period = std::chrono::seconds(connect_.keep_alive);
    keep_alive_timer_.expires_after(period / 2);
    keep_alive_timer_.async_wait([self = shared_from_this(), period](const boost::system::error_code& ec) {
        if (ec || self->done_) return;
        const auto now = clock_type::now();
        if (now - self->last_received_ >= period * 3 / 2)
            return self->fail(fmt::format("{} sent nothing for 1.5 × the keep-alive of {} s", self->address_,
                                          period.count()));
        if (now - self->last_sent_ >= period / 2) self->send(mqtt::pingreq_packet{});
        self->arm_keep_alive();
    });
}

void mqtt_link::close() {
    if (done_) return;
    done_ = true;
    resolver_.cancel();
    connect_timer_.cancel();
    keep_alive_timer_.cancel();
    stream_.close();
}

void mqtt_link::fail(std::string why) {
    if (done_) return;
    close();
    if (on_.closed) on_.closed(std::move(why));
}

} // namespace gantry::bridge
