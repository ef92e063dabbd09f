#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gantry/engine/facade.hpp"
#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/common/connection.hpp"
#include "gantry/protocols/common/protocol_module.hpp"
#include "gantry/protocols/common/protocol_session.hpp"
#include "gantry/protocols/stomp/stomp_codec.hpp"
#include "gantry/protocols/stomp/stomp_module.hpp"
#include "stomp_mapping.hpp"

namespace gantry::protocols::stomp {

// One STOMP client connection: its CONNECT state and heart-beats, SENDs on
// their way to the engine, its subscriptions (one engine subscription each),
// the MESSAGE frames awaiting ACK or NACK, and open transactions. Lives on
// the connection's executor, as do every engine completion and delivery
// that reach it, so it takes no lock. The frame handlers are its member
// functions, one file per command in handlers/.
class stomp_session final : public common::protocol_session {
public:
    stomp_session(common::connection& conn, const common::session_context& context, engine::facade& engine,
                  const stomp_options& options, const security::access_control& access);
    ~stomp_session() override;

    common::consume_result consume(std::span<const std::byte> input) override;
    void on_writable() override;
    void on_closed(std::string_view reason) override;

    // From a subscription's delivery sink.
    void on_delivery(std::uint64_t subscription, engine::delivery&& d);
    void on_subscription_closed(std::uint64_t subscription, std::error_code reason);

private:
    enum class ack_mode { automatic, client, client_individual };

    struct subscription_state {
        std::uint64_t local_id = 0;
        std::string id;                 // the client's subscription id
        destination dest;               // as subscribed (a temporary one in the client's own name)
        std::string destination_header; // dest.text(), what its MESSAGE frames carry
        engine_route route;
        ack_mode ack = ack_mode::automatic;
        engine::subscription_id engine_id;
        std::string durable_group;      // a durable topic subscription's group
        int credit_to_return = 0;
        std::deque<std::uint64_t> unacked; // ack ids, in delivery order
    };
    // A MESSAGE sent and not yet acknowledged (client and client-individual).
    struct unacked_delivery {
        std::shared_ptr<subscription_state> sub;
        engine::delivery_handle handle;
        std::string message_id;
    };
    // Work a transaction holds until COMMIT: its SENDs, and the settlements
    // of the messages it acknowledged (ABORT releases those instead).
    struct transaction_state {
        std::vector<engine::message> sends;
        std::vector<std::pair<unacked_delivery, engine::outcome>> settlements;
        std::size_t bytes = 0;
    };
    // An answer that must leave in frame order: a RECEIPT (or nothing) once
    // the engine stored what the frame sent.
    struct pending_reply {
        std::size_t appends_left = 0;
        std::optional<std::string> receipt_id;
        bool disconnect = false; // the RECEIPT of a DISCONNECT: close after it
    };

    void dispatch(stomp_frame frame);
    void on_decode_error(const stomp_diagnostic& diagnostic);

    // handlers/<command>.cpp
    void handle_connect(const stomp_frame& frame);
    void handle_send(stomp_frame& frame);
    void handle_subscribe(const stomp_frame& frame);
    void handle_unsubscribe(const stomp_frame& frame);
    void handle_ack(const stomp_frame& frame);
    void handle_nack(const stomp_frame& frame);
    void handle_begin(const stomp_frame& frame);
    void handle_commit(const stomp_frame& frame);
    void handle_abort(const stomp_frame& frame);
    void handle_disconnect(const stomp_frame& frame);

    // connect.cpp
    void start_heartbeats(std::int64_t client_send, std::int64_t client_receive);
    void send_heartbeat();
    // send.cpp / commit.cpp: appends, answered in frame order.
    result<engine::message> map_send(stomp_frame& frame);
    void append(engine::message msg, std::size_t reply);
    void on_appended(std::size_t reply, const result<engine::append_receipt>& receipt);
    std::size_t reserve_reply(std::optional<std::string> receipt_id, std::size_t appends);
    void flush_replies();
    // A receipt for a frame whose work is done now (still behind pending SENDs).
    void acknowledge(const stomp_frame& frame);
    void acknowledge_receipt(std::string receipt_id);
    // subscribe.cpp
    // A temporary destination as everyone else names it ("/queue/temp-<session>-<n>").
    result<destination> resolve(destination dest);
    void end_subscriptions();
    // ack.cpp: settles what an ACK or NACK names (now, or at COMMIT).
    void settle_named(const stomp_frame& frame, engine::outcome result);
    std::vector<unacked_delivery> take_acknowledged(const stomp_frame& frame, std::string& error);
    void settle(const unacked_delivery& d, engine::outcome result);
    // stomp_session_delivery.cpp: MESSAGE frames out.
    void drain_deliveries();
    void send_message(std::shared_ptr<subscription_state> sub, engine::delivery&& d);
    void return_credit();
    std::shared_ptr<subscription_state> find_subscription(std::string_view id) const;

    void send(const stomp_frame& frame);
    // ERROR with `message` (and `detail` as its body), then close (STOMP
    // 1.2: the server closes after an ERROR).
    void fail(std::string message, std::string detail = {}, const stomp_frame* cause = nullptr);
    void fail(std::string message, std::error_code error, const stomp_frame& cause);
    std::int64_t now_ms() const;
    engine::operation_context context() const;
    std::string who() const; // "client 'x' from 1.2.3.4:5", for logs
    bool allowed(security::access_kind kind, std::string_view name) const;

    common::connection& conn_;
    std::string remote_address_;
    engine::facade& engine_;
    const stomp_options& options_;
    const security::access_control& access_;
    stomp_codec codec_;

    // Connection state.
    stomp_version version_ = stomp_version::v1_2;
    bool connected_ = false;
    bool consuming_ = false;
    bool closing_ = false;
    bool closed_ = false;
    std::string close_reason_;
    std::string client_id_;
    bool client_named_ = false; // CONNECT gave a client-id (durable subscriptions need one)
    std::string session_id_; // unique per connection: names its temporary destinations
    security::principal principal_;
    asio::steady_timer heartbeat_timer_;
    std::chrono::milliseconds heartbeat_interval_{0};
    bool sent_since_heartbeat_ = false;

    // Inbound.
    std::deque<pending_reply> replies_;
    std::size_t replies_done_ = 0; // replies flushed so far: numbers the deque's front
    std::size_t pending_appends_ = 0;
    bool input_paused_ = false;
    std::map<std::string, transaction_state, std::less<>> transactions_;
    std::map<std::string, std::string, std::less<>> temporary_names_; // "/temp-queue/x" → engine-wide name

    // Outbound.
    std::uint64_t next_subscription_ = 1;
    std::uint64_t next_ack_id_ = 1;
    std::map<std::string, std::shared_ptr<subscription_state>, std::less<>> subscriptions_; // by client id
    std::unordered_map<std::uint64_t, std::shared_ptr<subscription_state>> by_local_id_;
    std::deque<std::pair<std::shared_ptr<subscription_state>, engine::delivery>> outbox_;
    std::map<std::uint64_t, unacked_delivery> unacked_; // by ack id
};

} // namespace gantry::protocols::stomp
