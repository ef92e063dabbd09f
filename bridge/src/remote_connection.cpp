#include "remote_connection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace gantry::bridge {

namespace {

constexpr std::size_t read_chunk = 64 * 1024;

} // namespace

remote_connection::remote_connection(asio::any_io_executor executor, events on,
                                     std::shared_ptr<asio::ssl::context> tls, bool verify)
    : executor_(executor),
      on_(std::move(on)),
      resolver_(executor),
      stream_(executor, std::move(tls)),
      verify_(verify),
      connect_timer_(executor) {}

void remote_connection::open(const std::string& address, std::chrono::milliseconds timeout) {
    address_ = address;
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

void remote_connection::on_resolved(const boost::system::error_code& ec,
                                    const asio::ip::tcp::resolver::results_type& endpoints) {
    if (done_) return;
    if (ec) return fail("cannot resolve " + address_ + ": " + ec.message());
    asio::async_connect(stream_.socket(), endpoints,
                        [self = shared_from_this()](const boost::system::error_code& error, const auto&) {
                            self->on_connected(error);
                        });
}

void remote_connection::on_connected(const boost::system::error_code& ec) {
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

void remote_connection::on_secured(const boost::system::error_code& ec) {
    if (done_) return;
    if (ec) return fail("TLS handshake with " + address_ + " failed: " + ec.message());
    connected_ = true;
    connect_timer_.cancel();
    last_received_ = clock::now();
    write_more();
    read_more();
    if (on_.opened) on_.opened();
}

void remote_connection::write(std::vector<std::byte> bytes) {
    if (done_ || bytes.empty()) return;
    output_.push(std::move(bytes));
    last_sent_ = clock::now();
    if (connected_) write_more();
}

void remote_connection::write_more() {
    if (writing_ || !output_.has_ungathered() || done_) return;
    writing_ = true;
    stream_.async_write(output_.gather(), [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
        self->writing_ = false;
        if (self->done_) return;
        if (ec) return self->fail("write to " + self->address_ + " failed: " + ec.message());
        self->output_.release_gathered();
        self->write_more();
    });
}

void remote_connection::read_more() {
    if (reading_ || paused_ || done_) return;
    if (input_.size() - input_used_ < read_chunk) input_.resize(input_used_ + read_chunk);
    reading_ = true;
    stream_.async_read_some(asio::buffer(input_.data() + input_used_, input_.size() - input_used_),
                            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                                self->on_read(ec, n);
                            });
}

void remote_connection::on_read(const boost::system::error_code& ec, std::size_t n) {
    reading_ = false;
    if (done_) return;
    if (ec) {
        return fail(ec == asio::error::eof ? address_ + " closed the connection"
                                           : "read from " + address_ + " failed: " + ec.message());
    }
    last_received_ = clock::now();
    input_used_ += n;
    hand_over();
}

void remote_connection::hand_over() {
    if (!paused_ && input_used_ > 0) {
        const auto self = shared_from_this(); // the protocol may drop its last reference
        const auto consumed = on_.received(std::span<const std::byte>(input_.data(), input_used_));
        if (done_) return;
        std::copy(input_.begin() + static_cast<std::ptrdiff_t>(consumed),
                  input_.begin() + static_cast<std::ptrdiff_t>(input_used_), input_.begin());
        input_used_ -= consumed;
    }
    read_more();
}

void remote_connection::pause_reading() { paused_ = true; }

void remote_connection::resume_reading() {
    if (!paused_ || done_) return;
    paused_ = false;
    // What was read meanwhile comes first.
    asio::post(executor_, [self = shared_from_this()] {
        if (!self->done_ && !self->reading_) self->hand_over();
    });
}

void remote_connection::close() {
    if (done_) return;
    done_ = true;
    resolver_.cancel();
    connect_timer_.cancel();
    stream_.close();
}

void remote_connection::fail(std::string why) {
    if (done_) return;
    const auto self = shared_from_this(); // the protocol may drop its last reference
    close();
    if (on_.closed) on_.closed(std::move(why));
}

} // namespace gantry::bridge
