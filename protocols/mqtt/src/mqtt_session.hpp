#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include <boost/container/deque.hpp>
#include <vector>

#include "gantry/engine/facade.hpp"
#include "gantry/engine/wall_clock.hpp"
#include "gantry/protocols/common/connection.hpp"
#include "gantry/protocols/common/protocol_module.hpp"
#include "gantry/protocols/common/protocol_session.hpp"
#include "gantry/protocols/common/publisher_placement.hpp"
#include "gantry/protocols/mqtt/mqtt_codec.hpp"
#include "gantry/protocols/mqtt/mqtt_module.hpp"
#include "gantry/protocols/mqtt/mqtt_mapping.hpp"
#include "gantry/protocols/mqtt/topic_filter.hpp"
#include "failed_filters.hpp"
#include "overlapping_copies.hpp"
#include "module_state.hpp"
#include "session_registry.hpp"
#include "session_store.hpp"

namespace gantry::protocols::mqtt {

// One MQTT client connection: its CONNECT state, inbound publishes on their
// way to the engine, its subscriptions (one engine subscription each) and
// the deliveries on their way out. A persistent session's subscriptions read
// from durable engine groups, so what is published while the client is away
// waits in the log (session_store.hpp). Lives on the connection's executor,
// as do every engine completion and delivery that reach it: no lock.
// The packet handlers are its member functions, one file per packet in
// handlers/.
class mqtt_session final : public common::protocol_session {
public:
    mqtt_session(common::connection& conn, const common::session_context& context, module_state& module);
    ~mqtt_session() override;

    common::consume_result consume(std::span<const std::byte> input) override;
    void on_writable() override;
    void on_idle_timeout() override;
    void on_closed(std::string_view reason) override;
    // Only a connection that publishes and reads nothing, between appends.
    bool movable() const override;

    // Another connection claimed this client id (posted by the registry).
    void take_over();
    // From a subscription's delivery sink.
    void on_delivery(std::uint64_t subscription, engine::delivery&& d);
    void on_subscription_closed(std::uint64_t subscription, std::error_code reason);

    // Whether the engine may still give the delivery at `place` of the
    // stored session of `client_id` back after a crash: its group's offset
    // on disk does not pass it (session_store's redelivery check).
    static bool may_redeliver(const engine::facade& engine, const std::string& client_id,
                              const stored_session& session, const delivery_place& place);
    // Whether the delivery at `place` kept by `session` is a share's QoS 2
    // one, which the session owns (owned_by_session).
    static bool owned_place(const stored_session& session, const delivery_place& place);

private:
    // What the ACL (if any) says of this client doing `kind` on `topic`.
    bool allowed(security::access_kind kind, std::string_view topic) const;
    // One MQTT subscription and its engine subscription.
    struct subscription_state {
        std::uint64_t local_id = 0;
        std::string filter;
        std::int64_t since_ms = 0; // when it was first subscribed, in this connection or an earlier one
        engine::subscription_id engine_id;
        // A persistent session's group (kept while the client is away);
        // empty: a private or shared group that ends with the subscription.
        std::string durable_group;
        std::uint8_t qos = 0;
        bool shared = false; // "$share/...": its messages are not this session's alone
        bool no_local = false;
        bool retain_as_published = false;
        std::optional<std::uint32_t> identifier;
        int credit_to_return = 0; // settled or sent deliveries not yet given back to the engine
    };
    struct queued_delivery {
        std::shared_ptr<subscription_state> sub;
        engine::delivery d;
        bool retained = false; // sent for SUBSCRIBE from the retained store: no engine subscription holds it
        // A share's QoS 2 delivery this session owns (owned_by_session),
        // read again from the log for its resend: no engine subscription
        // holds it either.
        bool reread = false;
    };
    struct inflight_delivery {
        std::shared_ptr<subscription_state> sub;
        engine::delivery_handle handle;
        std::uint8_t qos = 1;
        bool released = false; // QoS 2: PUBREC came, PUBREL sent
        // The engine is owed nothing: a retained copy, or a QoS 2 delivery
        // the client has (PUBREC came) or this session owns.
        bool settled = false;
        // A share's QoS 2 delivery settled as it was sent: this session alone
        // completes it, also after its connection ends if the session stays
        // (owned_by_session).
        bool owned = false;
    };
    // Retained messages still to be sent for a subscription, read a page at a
    // time as the outbox drains (retained_store's engine-form filter).
    struct retained_fetch {
        std::shared_ptr<subscription_state> sub;
        std::string filter;
        std::optional<std::string> after;
    };
    // Places ordered by the record first: overlapping subscriptions of a
    // session each get a copy of the same record, and a crash gives every
    // one of them back, so a place kept for one subscription's copy is
    // found by whichever copy comes first.
    struct by_record {
        bool operator()(const delivery_place& a, const delivery_place& b) const noexcept {
            return std::tie(a.topic, a.queue_id, a.queue_offset, a.filter) <
                   std::tie(b.topic, b.queue_id, b.queue_offset, b.filter);
        }
    };
    struct inbound_state {
        std::set<std::uint16_t> qos2_appending; // QoS 2 packet ids whose append runs
        std::set<std::uint16_t> qos2_received;  // stored, PUBREC sent, awaiting PUBREL
        std::unordered_map<std::uint16_t, std::string> topic_aliases;
    };
    struct outbound_state {
        std::uint64_t next_subscription = 1;
        std::map<std::string, std::shared_ptr<subscription_state>> subscriptions; // by filter
        std::unordered_map<std::uint64_t, std::shared_ptr<subscription_state>> by_local_id;
        // boost's deque allocates nothing until used, std::deque ~600 bytes at once.
        boost::container::deque<queued_delivery> outbox;
        boost::container::deque<retained_fetch> retained_fetches; // at most one per subscription
        std::map<std::uint16_t, inflight_delivery> inflight;
        overlapping_copies overlapping;
        std::uint16_t next_packet_id = 1;
        // Deliveries a previous connection of this session left
        // unacknowledged, by where the message lies, and their ids, kept free
        // until the message comes back and is sent with its id again.
        std::map<delivery_place, std::uint16_t, by_record> resend_ids;
        std::set<std::uint16_t> reserved_ids;
        // QoS 2 deliveries an earlier connection of this session had PUBREC
        // for (stored_session::qos2_delivered): given back by the engine
        // after a crash, they are settled unsent.
        std::set<delivery_place, by_record> delivered_before;
        // 5.0 §3.3.2.3.4: topics given an alias in this connection, first
        // come first served up to the limit; later topics go in full.
        std::unordered_map<std::string, std::uint16_t> aliases;
        // QoS 0 deliveries dropped past the output budget (mqtt.qos0Overflow =
        // drop): in this connection, since the last report in the log, and in
        // the whole module (mqtt_counters::qos0_dropped).
        std::uint64_t dropped_qos0 = 0;
        std::uint64_t unreported_drops = 0;
        std::chrono::steady_clock::time_point last_drop_report{};
    };

    inbound_state& inbound() { return inbound_ ? *inbound_ : *(inbound_ = std::make_unique<inbound_state>()); }
    outbound_state& outbound() { return outbound_ ? *outbound_ : *(outbound_ = std::make_unique<outbound_state>()); }
    // QoS 2 publishes stored and awaiting PUBREL.
    std::size_t qos2_awaiting_pubrel() const noexcept { return inbound_ ? inbound_->qos2_received.size() : 0; }

    // The PUBLISH packets of one consume() call, appended together once the
    // read is done or another kind of packet comes (publish.cpp).
    struct publish_batch {
        struct ack {
            std::uint8_t qos;
            std::uint16_t packet_id;
        };
        std::vector<engine::message> messages;
        std::vector<ack> acks;

        // The clocks, read at most once for all the publishes of one socket
        // read: reading them for every publish took 1.8 % of gantryd's CPU at
        // ~350 k publishes a second.
        std::int64_t wall_ms() {
            if (wall_ms_ == 0) wall_ms_ = engine::wall_clock_ms();
            return wall_ms_;
        }
        std::chrono::steady_clock::time_point steady_now() {
            if (steady_ == std::chrono::steady_clock::time_point{}) steady_ = std::chrono::steady_clock::now();
            return steady_;
        }

        // Room for as many publishes as the rest of a read holds if they are
        // the size of the first: grown a doubling at a time, the batch moved
        // each message about twice more.
        void expect(std::size_t bytes_left, std::size_t first_size) {
            const auto n = std::min<std::size_t>(bytes_left / first_size + 1, 256);
            messages.reserve(n);
            acks.reserve(n);
        }

    private:
        std::int64_t wall_ms_ = 0;
        std::chrono::steady_clock::time_point steady_{};
    };

    void dispatch(mqtt_packet packet, protocol_version version, publish_batch& publishes);
    void on_decode_error(const mqtt_diagnostic& diagnostic);

    // handlers/<packet>.cpp
    void handle_connect(connect_packet& packet, protocol_version version);
    void handle_publish(publish_packet& packet, publish_batch& publishes);
    void handle_puback(const puback_packet& packet);
    void handle_pubrec(const pubrec_packet& packet);
    void handle_pubrel(const pubrel_packet& packet);
    void handle_pubcomp(const pubcomp_packet& packet);
    void handle_subscribe(const subscribe_packet& packet);
    void handle_unsubscribe(const unsubscribe_packet& packet);
    void handle_pingreq();
    void handle_disconnect(const disconnect_packet& packet);

    // connect.cpp: CONNACK with `code`; `why` goes to the log and, unless
    // `told` replaces it, to a 5.0 client as the Reason String.
    void refuse_connect(reason_code code, std::string why, std::optional<std::string> told = std::nullopt);
    // mqtt_session_persistence.cpp: the session beyond this connection.
    bool keeps_session() const;
    // At CONNECT: the stored session this connection continues, if any;
    // a clean start discards it.
    std::optional<session_store::resumption> open_session(bool clean_start);
    // At CONNECT, for a session that was away: mqtt.maxOfflineMessages
    // applied to what waits for it; how many messages were skipped.
    std::uint64_t limit_offline_backlog(stored_session& session);
    // After CONNACK: its subscriptions again, and its QoS 2 exchanges.
    void restore_session(const stored_session& session);
    // 5.0 §4.8.2: a share's QoS 2 delivery goes to no other member once sent
    // [MQTT-4.8.2-5], and again to this one when it is back [MQTT-4.8.2-4].
    // The engine is settled as it goes, so the session owns it.
    static bool owned_by_session(const subscription_state& sub, std::uint8_t qos);
    // At the end of a session (not of a connection whose session stays): the
    // owned deliveries still awaiting PUBREC are lost, and logged.
    void report_lost_share_deliveries() const;
    // The same for a stored session that ends while its client is away
    // (`how`: it expired, or a clean start replaced it).
    static void report_lost_share_deliveries(const std::string& client_id, const stored_session& session,
                                             std::string_view how);
    // An owned delivery left unacknowledged, read from the log again and
    // queued for its resend (with its packet id).
    void read_owned_again(const delivery_place& place);
    void on_owned_read(const delivery_place& place, result<engine::read_result> read);
    // After a crash the engine may hand a share's QoS 2 delivery that
    // another member's session owned to this one: it is not sent.
    bool owned_elsewhere(const delivery_place& place) const;
    // A takeover's: the state the previous connection ended with, which
    // input waited for.
    void take_handover(const stored_session& session);
    stored_session snapshot() const;
    void save_session();
    // An inbound QoS 2 exchange begins (stored, PUBREC goes) or ends
    // (PUBREL came, PUBCOMP goes); a persistent session journals it first.
    void begin_inbound_qos2(std::uint16_t packet_id);
    void end_inbound_qos2(std::uint16_t packet_id);
    // Before a QoS 2 publish is stored, a persistent session names the
    // message (its id) and journals that it is storing it, so that after a
    // kill -9 before `stored` was journaled the log tells whether it was.
    void journal_storing_qos2(std::uint16_t packet_id, engine::message& msg);
    // A QoS 2 publish the previous connection (or run) began storing and
    // did not see stored: found in the log, it awaits PUBREL and its resent
    // PUBLISH is not stored again; not found, the exchange is forgotten.
    void resume_storing_qos2(std::uint16_t packet_id, const storing_message& message);
    // A persistent session journals each step of a QoS 2 exchange before
    // the packet it names leaves.
    void journal_qos2(const qos2_step& step);
    // At the end of the connection, once its subscriptions ended: keeps
    // `session` (its state at the end) or deletes its groups.
    void close_session(stored_session session);
    void delete_groups(const std::string& client_id, const stored_session& session);
    // The persistent session of `client_id` no longer holds the share
    // `filter` (parsed: `share`): its group is kept no longer once no other
    // session holds it.
    void release_share(const std::string& client_id, const std::string& filter, const topic_filter& share);
    static std::string durable_group_name(const std::string& client_id, const std::string& generation,
                                          const std::string& filter);
    // publish.cpp
    void append_publishes(publish_batch& publishes);
    void on_appended(std::uint8_t qos, std::uint16_t packet_id, const result<engine::append_receipt>& receipt);
    // After an append was answered, or a handover came: input stops or
    // goes on (input_paused_).
    void update_input_hold();
    // 5.0: PUBACK (QoS 1) or PUBREC (QoS 2) with failure `code`, and why.
    void refuse_publish(std::uint8_t qos, std::uint16_t packet_id, reason_code code, std::string why);
    // A publish that cannot be taken as sent (its topic name, its payload
    // format): refused like refuse_publish, or, at QoS 0 or before 5.0, the
    // connection ends with `code` (fail).
    void refuse_invalid_publish(std::uint8_t qos, std::uint16_t packet_id, reason_code code, std::string why);
    // 5.0 Payload Format Indicator 1 (a PUBLISH's or a will's) on a payload
    // that is not well-formed UTF-8 (utf8_payload_problem): what is wrong and
    // what to do, for 0x99 Payload format invalid; empty when nothing is.
    static std::string payload_format_problem(std::span<const std::byte> payload, const properties& props);
    // Publishes the will now, or returns it when it waits for its delay.
    std::optional<delayed_will> publish_will();
    // subscribe.cpp / puback.cpp: deliveries out. A refusal is added to `failed`.
    // `since_ms` is kept with the subscription, `start` is where its engine
    // group begins when it has no offsets.
    reason_code subscribe_one(const subscription& s, std::optional<std::uint32_t> identifier, std::int64_t since_ms,
                              const engine::start_position& start, failed_filters& failed);
    // What every subscription of this session reads as, before its group is named.
    engine::subscription_options engine_options(const engine_filter& mapped,
                                                const engine::start_position& start) const;
    void queue_retained(const std::shared_ptr<subscription_state>& sub, std::string engine_filter);
    void fetch_retained();
    void drain_deliveries();
    // Sends `d` for `sub` unless it must wait (false). `retained` and
    // `reread` as in queued_delivery; a live delivery goes without being
    // queued first.
    bool send_delivery(const std::shared_ptr<subscription_state>& sub, engine::delivery& d, bool retained = false,
                       bool reread = false);
    // The session's other subscriptions that are handed their own copy of
    // `msg`, seen on `topic` (stored at `stored_ms`), and whose copy `sub`'s
    // sends for them: not shared ones, not those made after it was stored,
    // not a no-local one for its publisher. Called by send_delivery, so
    // outbound_ exists.
    std::vector<const subscription_state*> overlapping(const subscription_state& sub, std::string_view topic,
                                                       const engine::message& msg, std::int64_t stored_ms) const;
    // Whether this client published `msg` (No Local, 5.0 §3.8.3.1); read
    // only for no-local subscriptions.
    bool own_publish(const engine::message& msg) const;
    static delivery_place place_of(const subscription_state& sub, const engine::delivery_handle& handle);
    // Whether an earlier connection had PUBREC for the message at `handle`,
    // sent for any of the session's subscriptions (the engine gave it back
    // after a crash); forgets it if so.
    bool delivered_before(const engine::delivery_handle& handle);
    // The packet id the previous connection of this session sent the message
    // at `handle` with (for any of its subscriptions), if it went
    // unacknowledged ([MQTT-4.4.0-1]), once.
    std::optional<std::uint16_t> take_resend_id(const engine::delivery_handle& handle);
    // The copies of the record `d` the `others` subscriptions will be handed
    // go out with the one for `d`, or passed over with it.
    void expect_copies(const engine::delivery& d, const std::vector<const subscription_state*>& others);
    std::uint16_t next_packet_id();
    // mqtt.qos0Overflow = drop, the output over budget and not closing: QoS 0
    // deliveries are dropped instead of waiting.
    bool shedding_qos0() const noexcept;
    // Whether `d` would go to the client at QoS 0: min(subscription, publish).
    static bool sent_at_qos0(const subscription_state& sub, const engine::delivery& d) noexcept;
    // Drops the outbox's live QoS 0 deliveries (retained ones owe the engine
    // nothing and wait), keeping the order of the rest.
    void shed_qos0();
    // Settles a QoS 0 delivery unsent and counts it.
    void drop_qos0(const std::shared_ptr<subscription_state>& sub, const engine::delivery& d);
    // Logs the drops since the last report (info), at most once a minute
    // while the connection lasts, and once more when it ends.
    void report_drops(bool closing);
    // Gives `publish` the alias of its topic (dropping the topic when the
    // client knows it); returns the topic when the alias is new, to be
    // recorded once the packet is actually sent. Called by send_delivery, so
    // outbound_ exists.
    std::optional<std::string> alias_topic(publish_packet& publish) const;
    void return_credit();
    void grant(subscription_state& sub);
    // Ends a delivery; a retained one owes the engine nothing.
    void settle(const std::shared_ptr<subscription_state>& sub, const engine::delivery_handle& handle,
                bool retained = false);
    // Ends a delivery from the engine: settled there, unless the engine
    // settled it as it handed it over (a QoS 0 subscription's); either way
    // its credit goes back.
    void settle(const std::shared_ptr<subscription_state>& sub, const engine::delivery& d, bool retained = false);
    void end_subscriptions();

    // Every packet to the client goes here; its Reason String and User
    // Properties only as far as the client allows them.
    void send(const mqtt_packet& packet);
    // Ends the connection for a protocol or policy reason: a 5.0 client
    // first gets DISCONNECT with `code`; logged at warning unless `quiet`.
    void fail(reason_code code, std::string why, bool quiet = false);
    bool v5() const noexcept { return version_ == protocol_version::v5; }
    std::int64_t now_ms() const;
    engine::operation_context context() const;
    std::string who() const; // "client 'x' from 1.2.3.4:5", for logs

    common::connection& conn_;
    module_state& module_;
    mqtt_codec codec_;

    // Ordered by size, so that nothing is padding: one session per
    // connection (issue #5: broker memory per idle connection).
    std::string client_id_;
    // The verified username (none: anonymous) ACL checks use.
    security::principal principal_;
    std::string close_reason_;
    // The persistent session's generation (its groups' names); empty: the
    // subscriptions are not kept beyond the connection.
    std::string generation_;
    std::uint64_t serial_ = 0;
    std::unique_ptr<will_message> will_; // on the heap: most clients have none
    // What an idle connection does not need is made on first use: the
    // inbound part by the first QoS 2 publish or topic alias, the outbound
    // part by the first subscription.
    std::unique_ptr<inbound_state> inbound_;
    std::unique_ptr<outbound_state> outbound_;
    std::uint32_t session_expiry_ = 0;
    std::uint32_t client_max_packet_size_ = 0; // 0: no limit announced
    std::uint32_t inflight_limit_ = 0;
    // Inbound appends not yet stored, and the QoS 1/2 ones among them.
    std::uint32_t pending_appends_ = 0;
    std::uint32_t pending_acked_appends_ = 0;
    // Outbound: the most topic aliases the client accepts (and we give).
    std::uint16_t outbound_alias_limit_ = 0;
    protocol_version version_ = protocol_version::v5;
    bool connected_ = false;
    bool consuming_ = false;
    bool closing_ = false;
    bool closed_ = false;
    bool clean_disconnect_ = false;
    bool clean_start_ = true;
    // A 3.x bridge (Mosquitto's try_private): none of its own messages back.
    bool bridge_client_ = false;
    // 5.0 Request Problem Information: 0 keeps Reason Strings and User
    // Properties to CONNACK, DISCONNECT and PUBLISH.
    bool problem_information_ = true;
    // Input stops while the receive maximum of appends is pending, and
    // while a takeover waits for the state the previous connection ends
    // with (a resent QoS 2 PUBLISH must meet that state).
    bool input_paused_ = false;
    bool awaiting_handover_ = false;
    // The state this connection ended with, kept until the QoS 2 publishes
    // it was storing are stored (or refused): its successor then finds them
    // stored and does not store their resends again.
    std::unique_ptr<stored_session> ending_;
    // A publisher with no subscription moves next to its readers.
    common::publisher_placement placement_;
};

} // namespace gantry::protocols::mqtt
