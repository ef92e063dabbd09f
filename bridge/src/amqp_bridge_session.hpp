#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <proton/delivery.h>
#include <proton/link.h>

#include "amqp_link.hpp"
#include "bridge_session.hpp"
#include "gantry/bridge/bridge_config.hpp"
#include "local_destination.hpp"

namespace gantry::bridge {

// The message annotation an AMQP bridge puts on what it sends: its container
// id. AMQP links have no No Local, so a message that comes back to the
// bridge with its own id (a two-way pair of links on one remote address) is
// accepted and not stored again.
inline constexpr std::string_view origin_annotation = "x-opt-gantry-bridge";
// The engine message property the AMQP mapping carries that annotation as.
const std::string& origin_property();

// An AMQP bridge's working part, on its executor: the connection and one
// AMQP link per configured link (amqp_bridge_session.cpp), messages out of
// the engine (amqp_bridge_outbound.cpp) and messages in
// (amqp_bridge_inbound.cpp).
class amqp_bridge_session final : public bridge_session {
public:
    amqp_bridge_session(asio::any_io_executor executor, engine::facade& engine, amqp_bridge_config config);

private:
    // amqp_bridge_session.cpp: the connection and its links.
    void open_link(const std::string& address) override;
    void close_link() override;
    void forget_link() override;
    void on_event(pn_event_t* event);
    void attach_links();
    void fail_link(std::string why);

    // amqp_bridge_outbound.cpp
    void send_local(std::uint64_t rule, engine::delivery&& d) override;
    void pump_outbound();
    void mark_origin(engine::message& msg) const;
    void on_remote_outcome(pn_delivery_t* delivery);

    // amqp_bridge_inbound.cpp
    void on_incoming(pn_delivery_t* delivery);
    // Takes the origin annotation off `msg`; true when it names this bridge.
    bool is_own_echo(engine::message& msg) const;
    void on_stored(std::uint64_t rule, pn_delivery_t* delivery, std::uint64_t link_serial, std::error_code error);

    const amqp_bridge_config config_;
    std::shared_ptr<asio::ssl::context> tls_; // null: plain TCP
    std::shared_ptr<amqp_link> link_;
    std::uint64_t link_serial_ = 0;
    std::size_t links_attached_ = 0; // by the remote; all of them: the bridge is up

    // Outbound: a sender per "out" link, by rule.
    struct sender {
        pn_link_t* link = nullptr;
        std::deque<engine::delivery> outbox;
        std::uint64_t next_tag = 0;
    };
    struct unsettled {
        std::uint64_t rule;
        engine::delivery_handle handle;
    };
    std::map<std::uint64_t, sender> senders_;
    std::unordered_map<pn_delivery_t*, unsettled> unsettled_;

    // Inbound: a receiver per "in" link, by rule; credit comes back as
    // messages are stored.
    struct receiver {
        pn_link_t* link = nullptr;
        local_destination destination;
    };
    std::map<std::uint64_t, receiver> receivers_;
};

} // namespace gantry::bridge
