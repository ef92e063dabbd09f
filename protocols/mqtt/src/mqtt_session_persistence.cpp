// The session beyond one connection (3.1.1 §3.1.2.4, 5.0 §3.1.2.4 and
// §4.1): a 3.1.1 client without a clean session, or a 5.0 client with a
// Session Expiry Interval, keeps its subscriptions, the messages published
// to them while it is away (in durable engine groups, so in the log, not in
// memory) and its QoS 2 exchanges. A clean start or the expiry ends it, and
// with it the groups and what waits in them.
#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "gantry/protocols/common/client_identity.hpp"
#include "gantry/protocols/mqtt/topic_filter.hpp"
#include "gantry/protocols/naming/topic_names.hpp"
#include "mqtt_log.hpp"
#include "mqtt_session.hpp"

namespace gantry::protocols::mqtt {

namespace {

std::string new_generation() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    return fmt::format("{:08x}", static_cast<std::uint32_t>(random()));
}

// Sessions saved before subscriptions kept their time start from now.
std::int64_t since_of(const stored_subscription& s, std::int64_t now) { return s.since_ms > 0 ? s.since_ms : now; }

// "<whose> <ended> with <count> QoS 2 message(s) ...": a share member's
// session ended with deliveries it owned unanswered.
void log_dropped_share_deliveries(std::string_view whose, std::string_view ended, std::string_view count) {
    mqtt_log()->info("{} {} with {} QoS 2 message(s) of shared subscriptions unanswered (no PUBREC): MQTT 5.0 "
                     "§4.8.2 [MQTT-4.8.2-5] forbids sending them to another member, so they are dropped. A member "
                     "that keeps its session (a Session Expiry Interval, or clean session 0) gets them again when "
                     "it reconnects",
                     whose, ended, count);
}

} // namespace

std::string mqtt_session::durable_group_name(const std::string& client_id, const std::string& generation,
                                             const std::string& filter) {
    return naming::group_name("GANTRY_MQTT", {client_id, generation, filter});
}

bool mqtt_session::keeps_session() const {
    // 5.0: the expiry decides, and DISCONNECT may change it; 3.x: clean session 0.
    return v5() ? session_expiry_ > 0 : !clean_start_;
}

std::optional<session_store::resumption> mqtt_session::open_session(bool clean_start) {
    // Expiry is checked as clients connect; an expired session's groups only
    // take the space of their offsets until then.
    for (const auto& [client_id, session] : module_.sessions->take_expired(now_ms())) {
        mqtt_log()->info("the session of MQTT client '{}' expired; its {} subscriptions and the messages waiting "
                         "for them are deleted",
                         client_id, session.subscriptions.size());
        report_lost_share_deliveries(client_id, session, "expired");
        delete_groups(client_id, session);
    }
    std::optional<session_store::resumption> resumed;
    if (clean_start) {
        if (const auto old = module_.sessions->discard(client_id_)) {
            report_lost_share_deliveries(client_id_, *old, "was replaced by a clean start");
            delete_groups(client_id_, *old);
        }
    } else {
        // A takeover continues from the state the previous connection ends
        // with, posted here once it has ended.
        auto on_handover = [weak = conn_.weak_from_this(), executor = conn_.executor(), this](stored_session s) {
            asio::post(executor, [weak, this, s = std::move(s)] {
                if (auto alive = weak.lock(); alive && !closed_) take_handover(s);
            });
        };
        resumed = module_.sessions->resume(client_id_, serial_, std::move(on_handover));
    }
    if (resumed) {
        generation_ = resumed->session.generation;
    } else if (keeps_session()) {
        generation_ = new_generation();
        save_session();
    }
    return resumed;
}

std::uint64_t mqtt_session::limit_offline_backlog(stored_session& session) {
    const auto now = now_ms();
    std::vector<engine::subscription_options> groups;
    for (const auto& [filter, stored] : session.subscriptions) {
        const auto parsed = parse_topic_filter(filter);
        // What waits in a share's group waits for all its members.
        if (!parsed || parsed->shared()) continue;
        const auto mapped = to_engine_filter(filter);
        if (!mapped) continue;
        auto options = engine_options(*mapped, engine::start_position::at_time(since_of(stored, now)));
        options.group = durable_group_name(client_id_, session.generation, filter);
        options.durable = true;
        groups.push_back(std::move(options));
    }
    const auto skipped = module_.engine.trim_backlog(context(), groups, module_.options.max_offline_messages);
    if (!skipped) {
        mqtt_log()->warn("cannot apply mqtt.maxOfflineMessages to the session of {}: {}; it gets everything that "
                         "waits for it",
                         who(), skipped.error().message());
        return 0;
    }
    if (*skipped == 0) return 0;
    module_.counters.offline_skipped.fetch_add(*skipped, std::memory_order_relaxed);
    mqtt_log()->warn("{} was away while more than mqtt.maxOfflineMessages = {} messages arrived for its session: the "
                     "oldest {} were skipped (quota exceeded, 0x97; total in the runtime info as "
                     "mqtt.offlineSkipped). Raise the limit for this client's use, or 0 keeps everything the log "
                     "retains",
                     who(), module_.options.max_offline_messages, *skipped);
    // Deliveries in flight when it left may be among them: their packet
    // identifiers are free again (the groups no longer give them back). A
    // share's group has no such name, so its deliveries stay.
    std::erase_if(session.unacked, [&](const auto& entry) {
        const auto& place = entry.first;
        const auto group = durable_group_name(client_id_, session.generation, place.filter);
        const auto resume = module_.engine.committed_offset(group, place.topic, place.queue_id);
        return resume && *resume > place.queue_offset;
    });
    return *skipped;
}

void mqtt_session::restore_session(const stored_session& session) {
    // [MQTT-4.4.0-1]: what went unacknowledged goes again with its packet id
    // (the engine gives it back to the group when the subscription ends).
    auto& out = outbound();
    std::vector<delivery_place> owned;
    for (const auto& [place, id] : session.unacked) {
        if (out.inflight.contains(id) || !out.reserved_ids.insert(id).second) continue;
        out.resend_ids.emplace(place, id);
        if (owned_place(session, place)) owned.push_back(place);
    }
    out.delivered_before.insert(session.qos2_delivered.begin(), session.qos2_delivered.end());
    failed_filters lost;
    for (const auto& [filter, stored] : session.subscriptions) {
        if (out.subscriptions.contains(filter)) continue; // subscribed again before a takeover's handover
        const subscription s{filter, stored.qos, stored.no_local, stored.retain_as_published,
                             retain_handling::do_not_send};
        const auto since = since_of(stored, now_ms());
        subscribe_one(s, stored.identifier, since, engine::start_position::at_time(since), lost);
    }
    if (!lost.empty())
        mqtt_log()->warn("{} resumed its session without some of its subscriptions: {}", who(), lost.reason_string());
    // §4.4: PUBREL again for every QoS 2 delivery the client had not completed.
    if (!session.qos2_received.empty())
        inbound().qos2_received.insert(session.qos2_received.begin(), session.qos2_received.end());
    for (const auto& [id, message] : session.qos2_storing) resume_storing_qos2(id, message);
    // A share's QoS 2 deliveries are this session's own (owned_by_session):
    // the engine does not give them back.
    for (const auto& place : owned) read_owned_again(place);
    for (const auto id : session.pubrel_sent) {
        if (!out.inflight.emplace(id, inflight_delivery{nullptr, {}, 2, true, true}).second) continue;
        send(pubrel_packet{id, reason_code::success, {}});
    }
    // A will left waiting by an earlier connection is void now (5.0 §3.1.3.2.2).
    if (out.subscriptions.size() != session.subscriptions.size() || session.will) save_session();
    mqtt_log()->debug("{} resumed its session: {} subscriptions, {} QoS 2 exchanges", who(), out.subscriptions.size(),
                      session.qos2_received.size() + session.pubrel_sent.size());
    drain_deliveries();
}

stored_session mqtt_session::snapshot() const {
    stored_session s;
    s.generation = generation_;
    s.expiry_interval = v5() ? session_expiry_ : stored_session::never_expires;
    if (inbound_) s.qos2_received = inbound_->qos2_received;
    if (!outbound_) return s;
    for (const auto& [filter, sub] : outbound_->subscriptions)
        s.subscriptions.emplace(filter, stored_subscription{sub->qos, sub->no_local, sub->retain_as_published,
                                                            sub->identifier, sub->since_ms});
    for (const auto& [id, delivery] : outbound_->inflight) {
        if (delivery.released) s.pubrel_sent.insert(id);
        else if (delivery.sub && (!delivery.settled || delivery.owned))
            s.unacked.emplace(place_of(*delivery.sub, delivery.handle), id);
    }
    s.unacked.insert(outbound_->resend_ids.begin(), outbound_->resend_ids.end()); // not back yet
    return s;
}

void mqtt_session::save_session() {
    if (generation_.empty()) return;
    module_.sessions->update(client_id_, serial_, snapshot());
}

void mqtt_session::begin_inbound_qos2(std::uint16_t packet_id) {
    inbound().qos2_received.insert(packet_id);
    journal_qos2({qos2_step::kind::stored, packet_id, std::nullopt});
}

void mqtt_session::end_inbound_qos2(std::uint16_t packet_id) {
    inbound().qos2_received.erase(packet_id);
    journal_qos2({qos2_step::kind::completed, packet_id, std::nullopt});
}

void mqtt_session::journal_storing_qos2(std::uint16_t packet_id, engine::message& msg) {
    if (generation_.empty()) return;
    msg.message_id = module_.engine.new_message_id();
    journal_qos2(
        {qos2_step::kind::storing, packet_id, std::nullopt, storing_message{msg.topic, msg.message_id, now_ms()}});
}

void mqtt_session::resume_storing_qos2(std::uint16_t packet_id, const storing_message& message) {
    // A second either way, should the clock have been set meanwhile.
    constexpr std::int64_t clock_slack_ms = 1000;
    const auto since = message.since_ms > 0 ? message.since_ms - clock_slack_ms : 0;
    const bool stored = inbound().qos2_received.contains(packet_id) ||
                        !module_.engine
                             .find_stored_by_key(message.topic, message.message_id, 1, since, now_ms() + clock_slack_ms)
                             .empty();
    mqtt_log()->info("{}: the QoS 2 publish with packet identifier {} was being stored when its last connection "
                     "ended; {}",
                     who(), packet_id,
                     stored ? "it is in the log, so a resent PUBLISH gets PUBREC and is not stored again"
                            : "it is not in the log, so a resent PUBLISH is stored");
    if (stored) begin_inbound_qos2(packet_id);
    else journal_qos2({qos2_step::kind::abandoned, packet_id, std::nullopt});
}

void mqtt_session::journal_qos2(const qos2_step& step) {
    if (!generation_.empty()) module_.sessions->qos2_exchange(client_id_, serial_, step);
}

bool mqtt_session::may_redeliver(const engine::facade& engine, const std::string& client_id,
                                 const stored_session& session, const delivery_place& place) {
    // Unsubscribed: a private group went with the subscription, and a
    // share's gives what it still has to its other members.
    if (!session.subscriptions.contains(place.filter)) return false;
    const auto parsed = parse_topic_filter(place.filter);
    const auto group = parsed && parsed->shared() ? shared_group_name(parsed->share_name, parsed->filter)
                                                  : durable_group_name(client_id, session.generation, place.filter);
    const auto resumes_at = engine.durable_offset(group, place.topic, place.queue_id);
    return !resumes_at || *resumes_at <= place.queue_offset;
}

bool mqtt_session::owned_place(const stored_session& session, const delivery_place& place) {
    const auto filter = parse_topic_filter(place.filter);
    const auto stored = session.subscriptions.find(place.filter);
    return filter && filter->shared() && stored != session.subscriptions.end() && stored->second.qos == 2;
}

bool mqtt_session::owned_elsewhere(const delivery_place& place) const {
    const auto& owned = module_.owned_at_start;
    if (owned.empty()) return false;
    const auto it = owned.find(place);
    return it != owned.end() && it->second != client_id_;
}

bool mqtt_session::owned_by_session(const subscription_state& sub, std::uint8_t qos) {
    return sub.shared && qos == 2;
}

void mqtt_session::report_lost_share_deliveries() const {
    if (!outbound_ || keeps_session()) return;
    const auto lost = std::count_if(outbound_->inflight.begin(), outbound_->inflight.end(),
                                    [](const auto& entry) { return entry.second.owned && !entry.second.released; });
    if (lost > 0) log_dropped_share_deliveries(who(), "ended its session", std::to_string(lost));
}

void mqtt_session::report_lost_share_deliveries(const std::string& client_id, const stored_session& session,
                                                std::string_view how) {
    const auto owned = std::count_if(session.unacked.begin(), session.unacked.end(),
                                     [&](const auto& entry) { return owned_place(session, entry.first); });
    // "Up to": a stored session does not say at which QoS each went out, and
    // one sent at QoS 1 went back to its group when the connection ended.
    if (owned > 0)
        log_dropped_share_deliveries("the session of MQTT client '" + client_id + "'", how,
                                     "up to " + std::to_string(owned));
}

void mqtt_session::read_owned_again(const delivery_place& place) {
    engine::read_request request;
    request.topic = place.topic;
    request.queue_id = place.queue_id;
    request.offset = place.queue_offset;
    request.max_messages = 1;
    module_.engine.read(context(), std::move(request),
                        [weak = conn_.weak_from_this(), this, place](result<engine::read_result> read) {
                            if (auto alive = weak.lock()) on_owned_read(place, std::move(read));
                        });
}

void mqtt_session::on_owned_read(const delivery_place& place, result<engine::read_result> read) {
    if (closed_) return;
    auto& out = outbound();
    const auto id = out.resend_ids.find(place);
    if (id == out.resend_ids.end()) return; // a copy from the engine went with the id already
    const auto sub = out.subscriptions.find(place.filter);
    const bool found = read && read->messages.size() == 1 && read->next_offset == place.queue_offset + 1;
    if (!found || sub == out.subscriptions.end()) {
        mqtt_log()->warn("{}: a message of share '{}' it was sent before (packet identifier {}) cannot be sent "
                         "again: {}",
                         who(), place.filter, id->second,
                         sub == out.subscriptions.end() ? "the session no longer holds the subscription"
                         : !read                        ? read.error().message()
                                                        : "it is no longer in the log (retention)");
        out.reserved_ids.erase(id->second);
        out.resend_ids.erase(id);
        return;
    }
    auto& d = read->messages.front();
    // Sent at QoS 1 (published so): the engine hands it on, and back here
    // only with its id.
    if (std::min(sub->second->qos, published_qos(d.msg)) < 2) return;
    // Owned before a crash, the engine may give the record back too: that
    // copy is passed over.
    if (module_.owned_at_start.contains(place)) out.delivered_before.insert(place);
    d.handle = {place.topic, place.queue_id, place.queue_offset, 0};
    out.outbox.push_back({sub->second, std::move(d), false, true});
    drain_deliveries();
}

void mqtt_session::take_handover(const stored_session& session) {
    restore_session(session);
    awaiting_handover_ = false;
    update_input_hold();
}

void mqtt_session::close_session(stored_session session) {
    if (inbound_ && !inbound_->qos2_appending.empty()) {
        ending_ = std::make_unique<stored_session>(std::move(session)); // on_appended ends it
        return;
    }
    if (module_.sessions->end_connection(client_id_, serial_, session, keeps_session(), now_ms())) {
        // A session meant to stay ends only when a clean start took it over.
        if (keeps_session()) report_lost_share_deliveries(client_id_, session, "was replaced by a clean start");
        delete_groups(client_id_, session);
    }
}

void mqtt_session::delete_groups(const std::string& client_id, const stored_session& session) {
    for (const auto& [filter, sub] : session.subscriptions) {
        const auto parsed = parse_topic_filter(filter);
        if (parsed && parsed->shared()) {
            release_share(client_id, filter, *parsed);
            continue;
        }
        const auto group = durable_group_name(client_id, session.generation, filter);
        if (const auto ec = module_.engine.delete_group(context(), group))
            mqtt_log()->warn("cannot delete group {} of the ended session of MQTT client '{}': {}", group, client_id,
                             ec.message());
    }
}

void mqtt_session::release_share(const std::string& client_id, const std::string& filter, const topic_filter& share) {
    if (module_.sessions->holds(filter, client_id)) return;
    module_.engine.release_group(context(), shared_group_name(share.share_name, share.filter));
}

} // namespace gantry::protocols::mqtt
