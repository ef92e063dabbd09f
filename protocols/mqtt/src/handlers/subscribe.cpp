// SUBSCRIBE (§3.8): one engine subscription per topic filter, in the
// filter's engine topic (every topic for a wildcard first level) with the
// mqtt filter language and a private group
// (a durable one in a persistent session, a shared one for $share);
// then the matching retained messages, as 5.0 Retain Handling asks, after
// SUBACK (drain_deliveries reads them from the retained store).
#include <fmt/format.h>

#include "gantry/protocols/common/subscription_sink.hpp"
#include "gantry/protocols/mqtt/topic_filter.hpp"

#include "../mqtt_log.hpp"
#include "../mqtt_session.hpp"

namespace gantry::protocols::mqtt {

namespace {

// Longer than any connection lives: such a delivery comes back only when
// the subscription ends with its connection.
constexpr std::chrono::milliseconds never_redeliver_while_connected = std::chrono::hours(24 * 365 * 10);

} // namespace

void mqtt_session::handle_subscribe(const subscribe_packet& packet) {
    std::optional<std::uint32_t> identifier;
    if (!packet.properties.subscription_identifiers.empty()) identifier = packet.properties.subscription_identifiers.front();
    suback_packet suback;
    suback.packet_id = packet.packet_id;
    const auto now = now_ms();
    // From here in the log, not from the time: a message acknowledged to its
    // publisher before this SUBSCRIBE came, in the same millisecond, is not
    // the subscriber's. Read after the time, so that a message appended in
    // between is both delivered and counted as stored since (overlapping).
    const auto start = engine::start_position::at_log_position(module_.engine.log_end());
    failed_filters failed;
    for (const auto& s : packet.subscriptions)
        suback.reasons.push_back(subscribe_one(s, identifier, now, start, failed));
    if (!failed.empty()) suback.properties.reason_string = failed.reason_string();
    save_session();
    send(suback);
    drain_deliveries();
}

reason_code mqtt_session::subscribe_one(const subscription& s, std::optional<std::uint32_t> identifier,
                                        std::int64_t since_ms, const engine::start_position& start,
                                        failed_filters& failed) {
    // "$share/<name>/<filter>" (5.0 §4.8.2; accepted from 3.x clients too, as
    // Mosquitto does): the members of one share are one engine consumer group.
    const auto parsed = parse_topic_filter(s.filter);
    const bool shared = parsed && parsed->shared();
    const std::string filter = shared ? std::string(parsed->filter) : s.filter;
    auto mapped = to_engine_filter(filter);
    if (!mapped) {
        mqtt_log()->info("refusing subscription '{}' of {}: {}", s.filter, who(), mapped.error().message());
        failed.add(s.filter, mapped.error().message());
        return reason_code::topic_filter_invalid;
    }
    if (!allowed(security::access_kind::subscribe, filter)) {
        mqtt_log()->info("refusing subscription '{}' of {}: the ACL does not allow it", s.filter, who());
        failed.add(s.filter, "not authorized: no rule of the ACL (aclFile) lets this client read everything the "
                             "filter matches");
        return reason_code::not_authorized; // 0x80 for 3.x
    }
    const auto granted = std::min(s.qos, module_.options.maximum_qos);
    auto& out = outbound();
    // §3.8.4: a subscription to the same filter replaces the existing one.
    if (const auto existing = out.subscriptions.find(s.filter); existing != out.subscriptions.end()) {
        auto& sub = *existing->second;
        if ((sub.qos == 0) != (granted == 0)) module_.engine.settle_on_hand_over(sub.engine_id, granted == 0);
        sub.qos = granted;
        sub.no_local = (v5() && s.no_local) || bridge_client_;
        sub.retain_as_published = v5() && s.retain_as_published;
        sub.identifier = identifier;
        // Retain Handling 1 sends them only for a subscription that is new.
        if (s.retain_handling == retain_handling::send_on_subscribe) queue_retained(existing->second, mapped->retained);
        return static_cast<reason_code>(granted);
    }
    if (out.subscriptions.size() >= module_.options.max_subscriptions) {
        const auto why = fmt::format("this connection already has {} subscriptions, the most one may have "
                                     "(mqtt.maxSubscriptions); unsubscribe from one first",
                                     module_.options.max_subscriptions);
        mqtt_log()->warn("refusing subscription '{}' of {}: {}", s.filter, who(), why);
        failed.add(s.filter, why);
        return reason_code::quota_exceeded;
    }
    auto sub = std::make_shared<subscription_state>();
    sub->local_id = out.next_subscription++;
    sub->filter = s.filter;
    sub->since_ms = since_ms;
    sub->qos = granted;
    sub->shared = shared;
    sub->no_local = (v5() && s.no_local) || bridge_client_;
    sub->retain_as_published = v5() && s.retain_as_published;
    sub->identifier = identifier;

    auto options = engine_options(*mapped, start);
    // At most once: the engine keeps nothing to be settled after sending.
    options.settle_on_hand_over = granted == 0;
    // A private group per plain subscription, a durable one when the session
    // outlives the connection; one group per share.
    if (shared) {
        // Kept while a persistent session holds the share, members or not.
        options.group = shared_group_name(parsed->share_name, filter);
        options.durable = !generation_.empty();
    } else if (!generation_.empty()) {
        sub->durable_group = durable_group_name(client_id_, generation_, s.filter);
        options.group = sub->durable_group;
        options.durable = true;
    }
    auto id = module_.engine.subscribe(context(), std::move(options),
                                std::make_shared<common::subscription_sink<mqtt_session>>(conn_.weak_from_this(), *this, sub->local_id));
    if (!id) {
        mqtt_log()->warn("could not subscribe {} to '{}': {}", who(), s.filter, id.error().message());
        failed.add(s.filter, "the broker could not subscribe: " + id.error().message());
        return reason_code::unspecified_error;
    }
    sub->engine_id = *id;
    out.subscriptions.emplace(s.filter, sub);
    out.by_local_id.emplace(sub->local_id, sub);
    module_.engine.grant_credit(sub->engine_id, module_.options.delivery_window);
    // §4.8.2: retained messages are not sent to a new shared subscription.
    if (!shared && s.retain_handling != retain_handling::do_not_send) queue_retained(sub, mapped->retained);
    mqtt_log()->debug("{} subscribed to '{}' at QoS {} (engine topic '{}', filter '{}')", who(), s.filter, granted,
                      mapped->every_topic ? "*" : mapped->topic, mapped->remainder);
    return static_cast<reason_code>(granted);
}

engine::subscription_options mqtt_session::engine_options(const engine_filter& mapped,
                                                          const engine::start_position& start) const {
    engine::subscription_options options;
    options.topic = mapped.topic;
    options.every_topic = mapped.every_topic;
    options.mode = engine::delivery_mode::shared;
    options.filter_kind = engine::filter_language::mqtt;
    options.filter = mapped.remainder;
    // From the SUBSCRIBE, not from wherever the log ends when the engine
    // first reads for it: a message published right after SUBACK (from
    // another connection, on another thread) must not be missed. A resumed
    // subscription gives its first SUBSCRIBE's time, where its group starts
    // in topics made while the client was away.
    options.start = start;
    // 5.0 §4.4: a message goes again only when the session reconnects, never
    // to a live connection; 3.1.1 allows it after mqtt.deliveryAckTimeout.
    options.ack_timeout = v5() ? never_redeliver_while_connected : module_.options.delivery_ack_timeout;
    options.body_in_place = true; // send_delivery writes it out from the log
    return options;
}

void mqtt_session::on_subscription_closed(std::uint64_t subscription, std::error_code reason) {
    if (!reason || !outbound_) return; // our own unsubscribe, confirmed
    auto& out = *outbound_;
    const auto it = out.by_local_id.find(subscription);
    if (it == out.by_local_id.end()) return;
    mqtt_log()->warn("the broker ended subscription '{}' of {}: {}", it->second->filter, who(), reason.message());
    out.subscriptions.erase(it->second->filter);
    out.by_local_id.erase(it);
}

void mqtt_session::end_subscriptions() {
    if (!outbound_) return;
    auto& out = *outbound_;
    for (const auto& [filter, sub] : out.subscriptions) module_.engine.unsubscribe(sub->engine_id);
    out.subscriptions.clear();
    out.by_local_id.clear();
    out.outbox.clear();
    out.retained_fetches.clear();
    out.inflight.clear();
}

} // namespace gantry::protocols::mqtt
