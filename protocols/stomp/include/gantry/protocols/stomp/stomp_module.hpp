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

namespace gantry::protocols::stomp {

// What the broker announces and enforces per connection; gantryd's "stomp.*"
// keys (broker/src/protocol_keys.cpp). The defaults are safe for a small
// machine.
struct stomp_options {
    // Heart-beating offered in CONNECTED: how often the broker can send one,
    // and how often it wants one. Zero: never / not wanted.
    std::chrono::milliseconds heartbeat_send{10'000};
    std::chrono::milliseconds heartbeat_receive{10'000};
    // Unacknowledged MESSAGE frames per subscription (client and
    // client-individual ack) and, for auto ack, deliveries the engine may hand
    // a subscription ahead of the socket; a SUBSCRIBE may ask for fewer or more
    // (activemq.prefetchSize) up to max_prefetch.
    int prefetch = 1000;
    int max_prefetch = 10'000;
    // Subscriptions per connection.
    std::size_t max_subscriptions = 1000;
    // SENDs whose engine append is pending; past it the session stops reading.
    std::size_t max_pending_sends = 256;
    // Open transactions per connection, and the bytes of bodies and headers
    // one transaction may hold until COMMIT (they stay in memory until then).
    std::size_t max_transactions = 16;
    std::size_t max_transaction_bytes = 16 * 1024 * 1024;
    // An unacknowledged MESSAGE goes back to its queue after this long.
    std::chrono::milliseconds delivery_ack_timeout{std::chrono::minutes(5)};
    // Separates the levels of a destination name: /topic/a.b is the MQTT
    // topic a/b (docs/protocol-mapping.md, "STOMP").
    char level_separator = '.';
    // Header sizes the codec accepts (the frame size is maxFrameSize).
    std::size_t max_header_count = 1000;
    std::size_t max_header_length = 10 * 1024;
};

// STOMP's listener limits before configuration (keys "stomp.*").
common::connection_limits stomp_default_limits();

// STOMP 1.0 / 1.1 / 1.2 with JMS semantics as the listener layer sees it:
// one stomp_session per connection, all sharing the engine and the options.
class stomp_module final : public common::protocol_module {
public:
    static constexpr std::uint16_t port = 61613;

    explicit stomp_module(engine::facade& engine, stomp_options options = {},
                          security::access_control access = {});
    ~stomp_module() override;

    std::string_view name() const override { return "stomp"; }
    std::uint16_t default_port() const override { return port; }
    std::vector<std::string> websocket_subprotocols() const override {
        return {"v12.stomp", "v11.stomp", "v10.stomp"};
    }
    // STOMP is text, and browser clients (stomp.js) send it in text messages.
    bool accepts_websocket_text() const override { return true; }
    common::connection_limits default_limits() const override { return stomp_default_limits(); }
    std::unique_ptr<common::protocol_session> make_session(common::connection& conn,
                                                           const common::session_context& context) override;

    const stomp_options& options() const noexcept { return options_; }

private:
    engine::facade& engine_;
    const stomp_options options_;
    const security::access_control access_;
};

} // namespace gantry::protocols::stomp
