#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <proton/disposition.h>
#include <proton/types.h>

#include "gantry/engine/facade.hpp"
#include "gantry/protocols/amqp/amqp_module.hpp"
#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/common/connection.hpp"
#include "gantry/protocols/common/protocol_session.hpp"
#include "gantry/protocols/naming/engine_route.hpp"
#include "amqp_address.hpp"
#include "gantry/protocols/amqp/proton_driver.hpp"
#include "sasl_authenticator.hpp"

namespace gantry::protocols::amqp {

// One AMQP connection: a qpid-proton connection driver fed with the
// connection's bytes, its links (each one a destination a client sends to,
// or one engine subscription it receives from), the deliveries awaiting an
// outcome, and open transactions. Lives on the connection's executor, as do
// every engine completion and delivery that reach it, so it takes no lock
// (proton's objects must stay on one thread). The event handlers are its
// member functions, in handlers/.
class amqp_session final : public common::protocol_session {
public:
    amqp_session(common::connection& conn, const common::session_context& context, engine::facade& engine,
                 const amqp_options& options, const security::access_control& access);
    ~amqp_session() override;

    common::consume_result consume(std::span<const std::byte> input) override;
    void on_writable() override;
    void on_closed(std::string_view reason) override;

    // From an outgoing link's delivery sink.
    void on_delivery(std::uint64_t link, engine::delivery&& d);
    void on_subscription_closed(std::uint64_t link, std::error_code reason);

private:
    // A link the client sends on: messages to one destination (or, with no
    // target address, to each message's `to`), or the transaction coordinator.
    struct incoming_link {
        pn_link_t* link = nullptr;
        bool coordinator = false;
        bool anonymous = false; // no target address: route by each message's `to`
        address target;
        naming::engine_route route;
        std::string partial;  // a multi-frame message so far
        std::size_t pending = 0; // appends not yet answered
        bool closed = false;
    };
    // A link the client receives on: one engine subscription.
    struct outgoing_link {
        std::uint64_t id = 0;
        pn_link_t* link = nullptr;
        address source;
        engine::subscription_id engine_id;
        bool presettled = false;   // the receiver asked for at-most-once
        int engine_credit = 0;     // granted to the engine, not yet delivered
        std::string durable_group; // a durable subscription's group, ended when the client closes the link
        bool closed = false;
        // False for a subscription look-up, which has no engine subscription.
        bool subscribed() const noexcept { return engine_id.value != 0; }
    };
    // A delivery sent and not yet settled by the client.
    struct unsettled_delivery {
        std::uint64_t link = 0;
        engine::delivery_handle handle;
    };
    struct transaction_state {
        std::vector<engine::message> sends;
        std::vector<std::pair<unsettled_delivery, engine::outcome>> settlements;
        std::size_t bytes = 0;
    };

    void dispatch(pn_event_t* event);
    // Writes what proton produced, re-arms the idle timer and closes the
    // connection once proton is done with it.
    void flush();
    void schedule_flush();
    void arm_tick(std::int64_t deadline_ms);

    // handlers/open.cpp: connection and session ends.
    void on_connection_remote_open();
    void on_connection_remote_close();
    void on_session_remote_open(pn_session_t* session);
    void on_session_remote_close(pn_session_t* session);
    void on_transport_error();
    // handlers/attach.cpp
    void on_link_remote_open(pn_link_t* link);
    void open_incoming(pn_link_t* link);
    void open_outgoing(pn_link_t* link);
    void open_subscription_lookup(pn_link_t* link);
    void open_coordinator(pn_link_t* link);
    void refuse_link(pn_link_t* link, const char* condition, const std::string& description);
    // handlers/detach.cpp: `closed` is a close (ends a durable subscription), not a detach.
    void on_link_remote_close(pn_link_t* link, bool closed);
    void end_outgoing(outgoing_link& out, bool end_durable);
    // handlers/transfer.cpp: a message from the client.
    void on_incoming_delivery(pn_delivery_t* delivery);
    void append(incoming_link& in, pn_delivery_t* delivery, engine::message msg);
    void top_up_incoming(incoming_link& in);
    // handlers/flow.cpp: credit from a receiving client.
    void on_link_flow(pn_link_t* link);
    void top_up_outgoing(outgoing_link& out);
    // handlers/disposition.cpp: a client's outcome for a delivery we sent.
    void on_outgoing_update(pn_delivery_t* delivery);
    void settle(const unsettled_delivery& d, engine::outcome result);
    // handlers/coordinator.cpp: declare and discharge.
    void on_coordinator_delivery(incoming_link& in, pn_delivery_t* delivery, std::string_view encoded);
    void discharge(const std::string& txn_id, bool fail, pn_delivery_t* delivery);
    transaction_state* transaction_of(pn_disposition_t* state);
    void answer_in_transaction(pn_delivery_t* delivery);

    // amqp_session_delivery.cpp: deliveries out.
    void send_delivery(outgoing_link& out, engine::delivery&& d);

    // Accept, reject (with a condition) or release a received delivery, and settle it.
    void answer(pn_delivery_t* delivery, std::uint64_t outcome, const char* condition = nullptr,
                const std::string& description = {});
    void close_with(const char* condition, std::string description);
    incoming_link* find_incoming(pn_link_t* link);
    outgoing_link* find_outgoing(pn_link_t* link);
    std::int64_t now_ms() const;
    engine::operation_context context() const;
    std::string who() const; // "client 'x' from 1.2.3.4:5", for logs
    bool allowed(security::access_kind kind, std::string_view name) const;

    common::connection& conn_;
    std::string remote_address_;
    engine::facade& engine_;
    const amqp_options& options_;
    const security::access_control& access_;
    sasl_authenticator sasl_;
    proton_driver driver_;
    asio::steady_timer tick_timer_;
    std::int64_t tick_deadline_ = 0;
    bool flush_scheduled_ = false;
    bool consuming_ = false;
    bool opened_ = false;    // the client's OPEN arrived
    bool finishing_ = false; // proton is done: the connection closes after the output
    bool transport_failed_ = false;
    bool closed_ = false;
    std::string close_reason_;
    std::string container_id_; // the client's, from OPEN: names its durable subscriptions
    std::string session_id_;   // unique per connection: names its temporary queues
    security::principal principal_;

    std::string encode_buffer_; // reused for every outgoing message
    std::uint64_t next_link_ = 1;
    std::uint64_t next_tag_ = 1;
    std::uint64_t next_temporary_ = 1;
    std::uint64_t next_transaction_ = 1;
    std::unordered_map<pn_link_t*, incoming_link> incoming_;
    std::unordered_map<pn_link_t*, std::uint64_t> outgoing_ids_;
    std::map<std::uint64_t, outgoing_link> outgoing_; // by id
    std::unordered_map<pn_delivery_t*, unsettled_delivery> unsettled_;
    std::size_t pending_appends_ = 0;
    bool input_paused_ = false;
    std::map<std::string, transaction_state, std::less<>> transactions_;
};

} // namespace gantry::protocols::amqp
