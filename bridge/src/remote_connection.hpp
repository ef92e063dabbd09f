#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/common/output_queue.hpp"
#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include "link_stream.hpp"

namespace gantry::bridge {

// One connection of a bridge to a remote broker, below its protocol:
// resolve "host:port", connect within a time limit, the TLS handshake when
// the bridge uses TLS, then bytes both ways (writes gathered, reads handed
// to the protocol as they come). Lives on one executor; every event is
// posted there, and none comes after close() or after `closed` was reported.
class remote_connection : public std::enable_shared_from_this<remote_connection> {
public:
    using clock = std::chrono::steady_clock;

    struct events {
        std::function<void()> opened;
        // What arrived, after what the protocol left unconsumed last time;
        // returns how many bytes it consumed.
        std::function<std::size_t(std::span<const std::byte>)> received;
        std::function<void(std::string why)> closed; // once
    };

    // `tls`: the bridge's client context, null for plain TCP; `verify`: check
    // the remote's certificate and name.
    remote_connection(asio::any_io_executor executor, events on, std::shared_ptr<asio::ssl::context> tls,
                      bool verify);

    // The connection of a protocol link that owns it and closes it when it
    // is destroyed (so no event reaches a link that is gone): the events go
    // to link.on_connection_opened(), link.on_bytes(input) (returns what it
    // consumed) and link.on_connection_closed(why), the link kept alive
    // while each runs, since it may lose its last other reference in one.
    template <typename Link>
    static std::shared_ptr<remote_connection> owned_by(Link& link, asio::any_io_executor executor,
                                                       std::shared_ptr<asio::ssl::context> tls, bool verify) {
        events on;
        on.opened = [&link] {
            const auto self = link.shared_from_this();
            link.on_connection_opened();
        };
        on.received = [&link](std::span<const std::byte> input) {
            const auto self = link.shared_from_this();
            return link.on_bytes(input);
        };
        on.closed = [&link](std::string why) {
            const auto self = link.shared_from_this();
            link.on_connection_closed(std::move(why));
        };
        return std::make_shared<remote_connection>(executor, std::move(on), std::move(tls), verify);
    }

    void open(const std::string& address, std::chrono::milliseconds timeout);
    // Queued before the connection is open, sent once it is.
    void write(std::vector<std::byte> bytes);
    // Stops handing over what arrives (a protocol whose appends are behind),
    // and starts again with what was read meanwhile.
    void pause_reading();
    void resume_reading();
    bool reading_paused() const noexcept { return paused_; }
    void close();
    // Closes and reports `closed` with `why`.
    void fail(std::string why);

    bool closed() const noexcept { return done_; }
    const std::string& address() const noexcept { return address_; }
    // Bytes written but not yet on the socket; a sender stops above a budget.
    std::size_t queued_bytes() const noexcept { return output_.bytes(); }
    clock::time_point last_sent() const noexcept { return last_sent_; }
    clock::time_point last_received() const noexcept { return last_received_; }

private:
    void on_resolved(const boost::system::error_code& ec, const asio::ip::tcp::resolver::results_type& endpoints);
    void on_connected(const boost::system::error_code& ec);
    void on_secured(const boost::system::error_code& ec);
    void read_more();
    void on_read(const boost::system::error_code& ec, std::size_t n);
    void hand_over();
    void write_more();

    asio::any_io_executor executor_;
    events on_;
    asio::ip::tcp::resolver resolver_;
    link_stream stream_;
    bool verify_;
    std::string address_;
    std::string host_;
    asio::steady_timer connect_timer_;

    std::vector<std::byte> input_;
    std::size_t input_used_ = 0;
    bool reading_ = false;
    bool paused_ = false;
    protocols::common::output_queue output_;
    bool writing_ = false;
    bool connected_ = false;
    bool done_ = false;
    clock::time_point last_sent_;
    clock::time_point last_received_;
};

} // namespace gantry::bridge
