#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/engine/facade.hpp"
#include "gantry/protocols/common/protocol_module.hpp"
#include "gantry/security/access_control.hpp"

namespace gantry::protocols::amqp {

// What the broker announces and enforces per connection; gantryd's "amqp.*"
// keys (broker/src/protocol_keys.cpp). The defaults are safe for a small
// machine.
struct amqp_options {
    // A peer silent for this long is closed (proton announces half of it in
    // OPEN, as the specification recommends); gantryd sets it to amqp.idleTimeout.
    std::chrono::milliseconds idle_timeout{60'000};
    // Credit given to each link a client sends on, topped up as the engine
    // stores its messages.
    int incoming_window = 500;
    // At most this much of a receiving link's credit is passed on to the
    // engine at once: deliveries held ahead of the socket.
    int max_prefetch = 1000;
    // Links and sessions per connection.
    std::size_t max_links = 1000;
    std::size_t max_sessions = 256;
    // Transfers whose engine append is pending; past it the connection stops reading.
    std::size_t max_pending_appends = 1024;
    // The largest message a client may send (announced as the link's
    // max-message-size); gantryd sets it to maxMessageSize.
    std::uint64_t max_message_size = 4 * 1024 * 1024;
    // Open transactions per connection, and the bytes one transaction may
    // hold until it is discharged (its messages stay in memory until then).
    std::size_t max_transactions = 16;
    std::size_t max_transaction_bytes = 16 * 1024 * 1024;
    // An unsettled delivery goes back to its queue after this long.
    std::chrono::milliseconds delivery_ack_timeout{std::chrono::minutes(5)};
    // A bare address with no capability names a topic (true) or a queue.
    bool bare_address_is_topic = false;
};

// AMQP's listener limits before configuration (keys "amqp.*").
common::connection_limits amqp_default_limits();

// AMQP 1.0 as the listener layer sees it: one amqp_session (a qpid-proton
// connection driver) per connection, all sharing the engine and the options.
class amqp_module final : public common::protocol_module {
public:
    static constexpr std::uint16_t port = 5672;

    explicit amqp_module(engine::facade& engine, amqp_options options = {}, security::access_control access = {});
    ~amqp_module() override;

    std::string_view name() const override { return "amqp"; }
    std::uint16_t default_port() const override { return port; }
    std::vector<std::string> websocket_subprotocols() const override { return {"amqp"}; }
    common::connection_limits default_limits() const override { return amqp_default_limits(); }
    std::unique_ptr<common::protocol_session> make_session(common::connection& conn,
                                                           const common::session_context& context) override;

    const amqp_options& options() const noexcept { return options_; }

private:
    engine::facade& engine_;
    const amqp_options options_;
    const security::access_control access_;
};

} // namespace gantry::protocols::amqp
