// Deliveries out of the engine: each subscription holds at most
// delivery_window credits, so what waits here is bounded; QoS 1/2 sends stop
// at the in-flight limit (the client's Receive Maximum), everything stops
// while the connection's output is over budget, and credit goes back to the
// engine only once a delivery was sent (QoS 0) or acknowledged (QoS 1/2).
// Retained messages for a new subscription join the same outbox a page at a
// time, only while it is short, so they obey the same limits.
// With mqtt.qos0Overflow = drop, a QoS 0 delivery that meets a full output
// budget is settled unsent and counted instead, and its credit goes back
// while the output stays blocked: a slow subscriber skips QoS 0 messages
// rather than leaving them in the log; its QoS 1/2 deliveries wait as before.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "gantry/protocols/mqtt/topic_filter.hpp"

#include "mqtt_log.hpp"
#include "mqtt_session.hpp"

namespace gantry::protocols::mqtt {

void mqtt_session::on_delivery(std::uint64_t subscription, engine::delivery&& d) {
    if (!outbound_) return;
    const auto it = outbound_->by_local_id.find(subscription);
    if (closed_ || it == outbound_->by_local_id.end()) return; // unsubscribed: the engine forgets it with the group
    const auto sub = it->second; // held: sending may end the subscription
    if (shedding_qos0() && sent_at_qos0(*sub, d)) return drop_qos0(sub, d);
    // The usual case: nothing waits before it, so it goes now, not through
    // the outbox (drain_deliveries would send it just the same).
    if (outbound_->outbox.empty() && outbound_->retained_fetches.empty() && !closing_ && !conn_.output_blocked() &&
        send_delivery(sub, d))
        return return_credit();
    outbound_->outbox.push_back({sub, std::move(d)});
    drain_deliveries();
}

namespace {
constexpr std::size_t retained_page_size = 32;
// A connection that keeps hitting its budget reports its drops this often.
constexpr auto drop_report_interval = std::chrono::minutes(1);
} // namespace

void mqtt_session::queue_retained(const std::shared_ptr<subscription_state>& sub, std::string engine_filter) {
    auto& fetches = outbound().retained_fetches;
    const auto it =
        std::find_if(fetches.begin(), fetches.end(), [&](const retained_fetch& f) { return f.sub == sub; });
    if (it != fetches.end()) {
        it->after.reset(); // a repeated SUBSCRIBE sends them all again
        return;
    }
    fetches.push_back({sub, std::move(engine_filter), std::nullopt});
}

void mqtt_session::fetch_retained() {
    auto& out = outbound();
    while (out.outbox.size() < retained_page_size && !out.retained_fetches.empty() && !closed_ && !closing_) {
        auto& f = out.retained_fetches.front();
        if (!out.by_local_id.contains(f.sub->local_id)) { // unsubscribed meanwhile
            out.retained_fetches.pop_front();
            continue;
        }
        auto page = module_.engine.retained().find_retained({f.filter, f.after, retained_page_size});
        if (!page) {
            mqtt_log()->warn("cannot read the retained messages for subscription '{}' of {}: {}", f.sub->filter, who(),
                             page.error().message());
            out.retained_fetches.pop_front();
            continue;
        }
        for (auto& d : page->messages) out.outbox.push_back({f.sub, std::move(d), true});
        if (page->next) f.after = std::move(page->next);
        else out.retained_fetches.pop_front();
    }
}

void mqtt_session::drain_deliveries() {
    if (!outbound_) return; // nothing subscribed yet
    auto& outbox = outbound_->outbox;
    fetch_retained();
    while (!outbox.empty() && !closed_ && !closing_) {
        if (conn_.output_blocked()) {
            if (shedding_qos0()) shed_qos0();
            break;
        }
        auto& next = outbox.front();
        if (!send_delivery(next.sub, next.d, next.retained, next.reread)) break;
        outbox.pop_front();
        fetch_retained();
    }
    return_credit();
}

bool mqtt_session::shedding_qos0() const noexcept {
    return module_.options.qos0_overflow == qos0_overflow_policy::drop && !closing_ && conn_.output_blocked();
}

bool mqtt_session::sent_at_qos0(const subscription_state& sub, const engine::delivery& d) noexcept {
    return sub.qos == 0 || published_qos(d.msg) == 0;
}

void mqtt_session::shed_qos0() {
    auto& outbox = outbound().outbox;
    const auto kept = std::remove_if(outbox.begin(), outbox.end(), [this](const queued_delivery& q) {
        if (q.retained || !sent_at_qos0(*q.sub, q.d)) return false;
        drop_qos0(q.sub, q.d);
        return true;
    });
    outbox.erase(kept, outbox.end());
}

void mqtt_session::drop_qos0(const std::shared_ptr<subscription_state>& sub, const engine::delivery& d) {
    settle(sub, d);
    // 5.0 §3.8.3.1: never to be sent anyway, so not dropped.
    if (sub->no_local && own_publish(d.msg)) return;
    auto& out = outbound();
    if (out.unreported_drops == 0)
        mqtt_log()->debug("{} reads too slowly ({} bytes wait to be written, mqtt.outputBudgetBytes is {}): dropping "
                          "its QoS 0 deliveries (mqtt.qos0Overflow = drop)",
                          who(), conn_.output_queued_bytes(), conn_.limits().output_budget_bytes);
    ++out.unreported_drops;
    ++out.dropped_qos0;
    module_.counters.qos0_dropped.fetch_add(1, std::memory_order_relaxed);
    // Credit in batches, so that dropping costs less than sending; a
    // subscription whose window is taken by QoS 1/2 deliveries waiting for
    // the client gets the rest with the next drain.
    if (sub->credit_to_return >= std::max(1, module_.options.delivery_window / 4)) grant(*sub);
}

void mqtt_session::report_drops(bool closing) {
    auto& out = outbound();
    const auto now = std::chrono::steady_clock::now();
    if (!closing && out.last_drop_report != std::chrono::steady_clock::time_point{} &&
        now - out.last_drop_report < drop_report_interval)
        return;
    out.last_drop_report = now;
    mqtt_log()->info("{} was too slow: {} QoS 0 messages dropped (mqtt.qos0Overflow = drop){}", who(),
                     out.unreported_drops,
                     out.unreported_drops == out.dropped_qos0
                         ? std::string{}
                         : fmt::format("; {} since it connected", out.dropped_qos0));
    out.unreported_drops = 0;
}

bool mqtt_session::send_delivery(const std::shared_ptr<subscription_state>& sub, engine::delivery& d, bool retained,
                                 bool reread) {
    auto& state = outbound();
    const bool unheld = retained || reread; // settled with no engine subscription
    if (!retained && state.overlapping.take(d.physical_offset, sub->local_id)) {
        settle(sub, d); // it went out with another subscription's copy
        return true;
    }
    auto out = from_engine_message(d.msg, d.msg.expires_at_ms > 0 ? now_ms() : 0);
    // Once for every matching subscription, at the highest of their QoS,
    // with all their identifiers (3.1.1 §3.3.5, 5.0 §3.3.4).
    const auto others = retained || sub->shared
                            ? std::vector<const subscription_state*>{}
                            : overlapping(*sub, out.publish.topic, d.msg, d.store_timestamp);
    if (!unheld && delivered_before(d.handle)) {
        // The client has it: exactly once across a crash (§4.3.3), for
        // every subscription's copy.
        expect_copies(d, others);
        settle(sub, d);
        return true;
    }
    if (sub->no_local && own_publish(d.msg)) {
        settle(sub, d, unheld); // 5.0 §3.8.3.1: not sent back to its publisher
        return true;
    }
    auto& publish = out.publish;
    auto qos = sub->qos;
    bool retain_as_published = sub->retain_as_published;
    for (const auto* other : others) {
        qos = std::max(qos, other->qos);
        retain_as_published = retain_as_published || other->retain_as_published;
    }
    publish.qos = std::min(qos, out.qos);
    if (sub->shared && publish.qos == 2 && !reread && owned_elsewhere(place_of(*sub, d.handle))) {
        settle(sub, d); // its owner sends it (5.0 §4.8.2)
        return true;
    }
    // Sent for SUBSCRIBE from the retained store: RETAIN set (3.1.1 §3.3.1.3,
    // 5.0 §3.3.1.3); a live one keeps its flag only with Retain As Published.
    publish.retain = retained || (retain_as_published && out.retain);
    // Sent before to a connection that ended without acknowledging it (§4.4).
    publish.dup = publish.qos > 0 && d.delivery_count > 1;
    auto& identifiers = publish.properties.subscription_identifiers;
    if (sub->identifier) identifiers.push_back(*sub->identifier);
    for (const auto* other : others)
        if (other->identifier) identifiers.push_back(*other->identifier);
    if (publish.qos > 0) {
        if (state.inflight.size() >= inflight_limit_) return false; // wait for a PUBACK / PUBCOMP
        const auto resent = retained ? std::nullopt : take_resend_id(d.handle);
        if (reread && !resent) return true; // an engine copy went with its id already
        publish.packet_id = resent ? *resent : next_packet_id();
        publish.dup = publish.dup || resent.has_value();
    }
    expect_copies(d, others);
    const auto& stored_body = d.stored_body; // empty unless the body is sent from the log
    if (const auto problem = drop_false_payload_format(
            publish.properties, stored_body.bytes.empty() ? publish.payload_bytes() : stored_body.bytes);
        !problem.empty())
        mqtt_log()->debug("a message on '{}' for {} says its payload is UTF-8, but the payload {}: sent without "
                          "the Payload Format Indicator",
                          publish.topic, who(), problem);
    auto new_alias_topic = alias_topic(publish);
    thread_local std::vector<std::byte> head_bytes; // copied into the output queue: no allocation per delivery
    head_bytes.clear();
    const auto head = mqtt_codec::encode_publish_into(publish, stored_body.bytes.size(), version_, head_bytes);
    const auto topic_named = [&] {
        return publish.topic.empty() ? fmt::format("topic alias {}", *publish.properties.topic_alias) : publish.topic;
    };
    if (!head) {
        mqtt_log()->error("cannot send a message on '{}' to {}: {}; it is skipped", topic_named(), who(),
                          head.error().message());
        settle(sub, d, unheld);
        return true;
    }
    if (const auto size = *head + stored_body.bytes.size();
        client_max_packet_size_ > 0 && size > client_max_packet_size_) {
        // 5.0 §3.1.2.11.4: discarded as if delivered.
        mqtt_log()->info("not sending a {}-byte message on '{}' to {}: over its maximum packet size {}", size,
                         topic_named(), who(), client_max_packet_size_);
        settle(sub, d, unheld);
        return true;
    }
    if (publish.qos == 2 && !retained)
        journal_qos2({qos2_step::kind::sent, publish.packet_id, place_of(*sub, d.handle)});
    conn_.send(head_bytes, stored_body.bytes, stored_body.keep_alive);
    if (new_alias_topic) state.aliases.emplace(std::move(*new_alias_topic), *publish.properties.topic_alias);
    if (publish.qos == 0) {
        settle(sub, d, unheld);
        return true;
    }
    const bool owned = reread || owned_by_session(*sub, publish.qos);
    if (owned && !reread) settle(sub, d);
    state.inflight.emplace(publish.packet_id,
                           inflight_delivery{sub, d.handle, publish.qos, false, unheld || owned, owned});
    return true;
}

std::vector<const mqtt_session::subscription_state*>
mqtt_session::overlapping(const subscription_state& sub, std::string_view topic, const engine::message& msg,
                          std::int64_t stored_ms) const {
    std::vector<const subscription_state*> others;
    if (outbound_->subscriptions.size() < 2 || topic.empty()) return others;
    for (const auto& [filter, other] : outbound_->subscriptions) {
        if (other.get() == &sub || other->shared || other->since_ms > stored_ms) continue;
        if (other->no_local && own_publish(msg)) continue;
        if (topic_matches(filter, topic)) others.push_back(other.get());
    }
    return others;
}

bool mqtt_session::own_publish(const engine::message& msg) const { return published_by(msg) == client_id_; }

delivery_place mqtt_session::place_of(const subscription_state& sub, const engine::delivery_handle& handle) {
    return {sub.filter, handle.topic, handle.queue_id, handle.queue_offset};
}

namespace {

const delivery_place& place_in(const delivery_place& place) { return place; }
const delivery_place& place_in(const std::pair<const delivery_place, std::uint16_t>& entry) { return entry.first; }

// The first place of `places` (ordered by_record) where the record at
// `handle` lies, whatever its subscription; end() when there is none.
template <typename Places>
auto find_record(Places& places, const engine::delivery_handle& handle) {
    const auto it = places.lower_bound(delivery_place{{}, handle.topic, handle.queue_id, handle.queue_offset});
    if (it == places.end()) return it;
    const auto& place = place_in(*it);
    const bool same = place.topic == handle.topic && place.queue_id == handle.queue_id &&
                      place.queue_offset == handle.queue_offset;
    return same ? it : places.end();
}

} // namespace

bool mqtt_session::delivered_before(const engine::delivery_handle& handle) {
    auto& delivered = outbound().delivered_before;
    if (delivered.empty()) return false;
    const auto it = find_record(delivered, handle);
    if (it == delivered.end()) return false;
    delivered.erase(it);
    return true;
}

void mqtt_session::expect_copies(const engine::delivery& d, const std::vector<const subscription_state*>& others) {
    if (others.empty()) return;
    std::vector<std::uint64_t> ids;
    for (const auto* other : others) ids.push_back(other->local_id);
    outbound().overlapping.expect(d.physical_offset, ids);
}

std::optional<std::uint16_t> mqtt_session::take_resend_id(const engine::delivery_handle& handle) {
    auto& out = outbound();
    if (out.resend_ids.empty()) return std::nullopt;
    const auto it = find_record(out.resend_ids, handle);
    if (it == out.resend_ids.end()) return std::nullopt;
    const auto id = it->second;
    out.resend_ids.erase(it);
    out.reserved_ids.erase(id);
    return id;
}

std::uint16_t mqtt_session::next_packet_id() {
    // Reserved ids wait for their messages; should they crowd out every
    // free id, the messages go again with new ones.
    auto& out = outbound();
    if (out.inflight.size() + out.reserved_ids.size() >= 0xFFFE) {
        out.resend_ids.clear();
        out.reserved_ids.clear();
    }
    while (out.next_packet_id == 0 || out.inflight.contains(out.next_packet_id) ||
           out.reserved_ids.contains(out.next_packet_id))
        ++out.next_packet_id;
    return out.next_packet_id++;
}

std::optional<std::string> mqtt_session::alias_topic(publish_packet& publish) const {
    if (outbound_alias_limit_ == 0) return std::nullopt;
    const auto& aliases = outbound_->aliases;
    if (const auto known = aliases.find(publish.topic); known != aliases.end()) {
        publish.properties.topic_alias = known->second;
        publish.topic.clear();
        return std::nullopt;
    }
    if (aliases.size() >= outbound_alias_limit_) return std::nullopt;
    publish.properties.topic_alias = static_cast<std::uint16_t>(aliases.size() + 1);
    return publish.topic;
}

void mqtt_session::settle(const std::shared_ptr<subscription_state>& sub, const engine::delivery_handle& handle,
                          bool retained) {
    if (retained) return;
    module_.engine.settle(sub->engine_id, handle, engine::outcome::accepted);
    ++sub->credit_to_return;
}

void mqtt_session::settle(const std::shared_ptr<subscription_state>& sub, const engine::delivery& d, bool retained) {
    if (d.settled) ++sub->credit_to_return;
    else settle(sub, d.handle, retained);
}

void mqtt_session::return_credit() {
    // While the output is blocked the engine gets no credit: deliveries wait
    // in the log, not in memory (on_writable resumes). Unless QoS 0 is being
    // dropped: then credit flows, and each subscription's window still bounds
    // what waits here.
    if (!outbound_ || closed_ || (conn_.output_blocked() && !shedding_qos0())) return;
    for (const auto& [filter, sub] : outbound_->subscriptions) grant(*sub);
}

void mqtt_session::grant(subscription_state& sub) {
    if (closed_ || sub.credit_to_return <= 0) return;
    module_.engine.grant_credit(sub.engine_id, sub.credit_to_return);
    sub.credit_to_return = 0;
}

} // namespace gantry::protocols::mqtt
