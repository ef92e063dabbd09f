#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <proton/condition.h>
#include <proton/event.h>

#include "gantry/protocols/amqp/proton_driver.hpp"
#include "remote_connection.hpp"

namespace gantry::bridge {

// One connection of a bridge to a remote AMQP 1.0 broker: qpid-proton's
// connection driver on the client side (SASL PLAIN with credentials, else
// ANONYMOUS) over a remote_connection, with proton's idle-timeout
// heartbeats. The owner works on the proton objects inside `event` and, when
// it acts outside one (a local message to send), calls flush(). Lives on one
// executor; nothing is reported after close() or after `closed`.
class amqp_link : public std::enable_shared_from_this<amqp_link> {
public:
    struct events {
        std::function<void(pn_event_t*)> event;
        std::function<void(std::string why)> closed; // once
    };
    struct identity {
        std::string container_id;
        std::optional<std::string> username; // none: SASL ANONYMOUS
        std::optional<std::string> password;
        std::uint32_t idle_timeout_ms = 0;
    };

    amqp_link(asio::any_io_executor executor, events on, std::shared_ptr<asio::ssl::context> tls, bool verify);
    ~amqp_link();

    // Connects to "host:port" and opens the AMQP connection as `who`.
    void open(const std::string& address, const identity& who, std::chrono::milliseconds timeout);
    pn_connection_t* connection() const noexcept { return driver_.connection(); }
    // Runs the events the owner's actions caused and writes what proton has to send.
    void flush();
    void close();

    const std::string& address() const noexcept { return connection_->address(); }
    // Bytes written but not yet on the socket; a sender stops above a budget.
    std::size_t queued_bytes() const noexcept { return connection_->queued_bytes(); }

private:
    friend class remote_connection; // its events, through owned_by()
    void on_connection_opened();
    std::size_t on_bytes(std::span<const std::byte> input);
    void on_connection_closed(std::string why);
    void dispatch();
    void arm_tick(std::int64_t deadline_ms);
    void fail(std::string why) { connection_->fail(std::move(why)); }

    events on_;
    protocols::amqp::proton_driver driver_{protocols::amqp::proton_driver::role::client};
    std::shared_ptr<remote_connection> connection_; // its events hold the link alive while they run
    asio::steady_timer tick_timer_;
    std::int64_t armed_deadline_ms_ = 0;
    bool dispatching_ = false;
    std::string transport_error_; // proton's condition, once it reported one
};

// "amqp:not-found: no queue 'x'", or "no reason given" for an unset condition.
std::string describe_condition(pn_condition_t* condition);

} // namespace gantry::bridge
