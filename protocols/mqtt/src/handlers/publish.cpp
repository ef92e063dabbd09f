// PUBLISH from the client (§3.3): topic aliases, QoS 0/1/2 into the engine,
// PUBACK / PUBREC only once the engine stored the message (a payload whose
// Payload Format Indicator says UTF-8 is checked first, §3.3.2.3.2); and the
// will, which is published like one. A RETAIN publish goes through the
// engine's retained store: stored and delivered like any message, and also
// the topic's retained message (an empty payload clears it, §3.3.1.3).
#include <fmt/format.h>

#include "../mqtt_log.hpp"
#include "../mqtt_session.hpp"
#include "gantry/protocols/mqtt/mqtt_utf8.hpp"

namespace gantry::protocols::mqtt {

void mqtt_session::handle_publish(publish_packet& packet, publish_batch& publishes) {
    if (packet.qos > module_.options.maximum_qos)
        return fail(reason_code::qos_not_supported,
                    fmt::format("published at QoS {} above the maximum QoS {}", packet.qos,
                                module_.options.maximum_qos));
    if (packet.retain && !module_.options.retain_available)
        return fail(reason_code::retain_not_supported, "published a retained message, but retain is not available");

    // 5.0 §3.3.2.3.4: an alias names the topic from now on; alone it recalls it.
    if (const auto alias = packet.properties.topic_alias) {
        if (*alias == 0 || *alias > module_.options.topic_alias_maximum)
            return fail(reason_code::topic_alias_invalid,
                        fmt::format("used topic alias {} (the maximum is {})", *alias,
                                    module_.options.topic_alias_maximum));
        if (packet.topic.empty()) {
            const auto& aliases = inbound().topic_aliases;
            const auto known = aliases.find(*alias);
            if (known == aliases.end())
                return fail(reason_code::protocol_error, fmt::format("used topic alias {} before defining it", *alias));
            packet.topic = known->second;
        } else {
            inbound().topic_aliases[*alias] = packet.topic;
        }
        packet.properties.topic_alias.reset();
    }
    if (!packet.properties.subscription_identifiers.empty())
        return fail(reason_code::protocol_error, "sent a subscription identifier in PUBLISH");

    const auto id = packet.packet_id;
    auto address = to_engine_address(packet.topic);
    if (!address)
        return refuse_invalid_publish(packet.qos, id, reason_code::topic_name_invalid,
                                      "topic '" + packet.topic + "': " + address.error().message());
    if (auto problem = payload_format_problem(packet.payload_bytes(), packet.properties); !problem.empty())
        return refuse_invalid_publish(packet.qos, id, reason_code::payload_format_invalid,
                                      "topic '" + packet.topic + "': " + std::move(problem));
    if (!allowed(security::access_kind::write, packet.topic)) {
        mqtt_log()->info("dropping a publish of {} to '{}': the ACL does not allow it", who(), packet.topic);
        if (packet.qos == 0) return;
        if (v5())
            return refuse_publish(packet.qos, id, reason_code::not_authorized,
                                  "the ACL (aclFile) does not allow this client to publish to '" + packet.topic + "'");
        // 3.x has no refusal: acknowledged and dropped, so the client does not resend it forever.
        if (packet.qos == 1) return send(puback_packet{id, reason_code::success, {}});
        begin_inbound_qos2(id);
        return send(pubrec_packet{id, reason_code::success, {}});
    }
    if (packet.qos == 2) {
        // Exactly once per packet id: a resent PUBLISH is stored only once.
        const auto& exchanges = inbound();
        if (exchanges.qos2_received.contains(id)) return send(pubrec_packet{id, reason_code::success, {}});
        if (exchanges.qos2_appending.contains(id)) return; // PUBREC follows when the append completes
    }
    const auto qos = packet.qos;
    if (qos > 0 && v5() && pending_acked_appends_ + qos2_awaiting_pubrel() >= module_.options.receive_maximum)
        return fail(reason_code::receive_maximum_exceeded,
                    fmt::format("had more than {} QoS 1/2 publishes unacknowledged", module_.options.receive_maximum));

    if (const auto limit = module_.options.move_publishers_below_load;
        limit > 0 && (!outbound_ || outbound_->subscriptions.empty())) {
        if (auto* target = placement_.after_publish(module_.engine, address->topic, conn_, limit / 100.0,
                                                    publishes.steady_now()))
            conn_.move_to(*target);
    }
    const bool retain = packet.retain;
    auto msg = to_engine_message(std::move(packet), *address, client_id_, publishes.wall_ms());
    ++pending_appends_;
    if (qos > 0) ++pending_acked_appends_;
    if (qos == 2) {
        inbound().qos2_appending.insert(id);
        journal_storing_qos2(id, msg);
    }
    if (retain) {
        append_publishes(publishes);
        module_.engine.retained().retain(context(), std::move(msg),
                                         [self = conn_.shared_from_this(), this, qos,
                                          id](result<engine::append_receipt> r) { on_appended(qos, id, r); });
    } else {
        publishes.messages.push_back(std::move(msg));
        publishes.acks.push_back({qos, id});
    }
    update_input_hold(); // bounded: past the receive maximum of pending appends, reading stops
}

void mqtt_session::append_publishes(publish_batch& publishes) {
    if (publishes.messages.empty()) return;
    // The connection lives until the engine answers: a QoS 2 publish being
    // stored when it ends is still seen stored (close_session).
    auto self = conn_.shared_from_this();
    if (publishes.messages.size() == 1) {
        const auto ack = publishes.acks.front();
        module_.engine.append(context(), std::move(publishes.messages.front()),
                              [self, this, ack](result<engine::append_receipt> r) {
                                  on_appended(ack.qos, ack.packet_id, r);
                              });
    } else {
        module_.engine.append_batch(
            context(), std::move(publishes.messages),
            [self, this, acks = std::move(publishes.acks)](std::vector<result<engine::append_receipt>> receipts) {
                for (std::size_t i = 0; i < acks.size(); ++i) on_appended(acks[i].qos, acks[i].packet_id, receipts[i]);
            });
    }
    publishes.messages.clear();
    publishes.acks.clear();
}

void mqtt_session::on_appended(std::uint8_t qos, std::uint16_t packet_id,
                               const result<engine::append_receipt>& receipt) {
    --pending_appends_;
    if (qos > 0) --pending_acked_appends_;
    if (qos == 2) inbound().qos2_appending.erase(packet_id);
    if (closed_) {
        // The end state waited for this answer: the next connection finds
        // the message stored and does not store the client's resend again.
        if (!ending_ || qos != 2) return;
        if (receipt && receipt->durable) ending_->qos2_received.insert(packet_id);
        if (inbound().qos2_appending.empty()) close_session(std::move(*std::exchange(ending_, nullptr)));
        return;
    }
    // Stored but not flushed within syncFlushTimeout is no acknowledgement
    // either: a crash could still lose it.
    if (!receipt || !receipt->durable) {
        const auto reason = receipt ? reason_code::unspecified_error : append_failure_reason(receipt.error());
        const auto why = "the broker could not store a QoS " + std::to_string(qos) + " publish: " +
                         (receipt ? std::string("not flushed to disk within syncFlushTimeout") : receipt.error().message());
        if (!v5()) return fail(reason_code::unspecified_error, why);
        mqtt_log()->warn("{} of {}", why, who());
        // Refused, so the client may use the id for a new message at once.
        if (qos == 2) journal_qos2({qos2_step::kind::abandoned, packet_id, std::nullopt});
        if (qos > 0) refuse_publish(qos, packet_id, reason, why);
    } else if (qos == 1) {
        send(puback_packet{packet_id, reason_code::success, {}});
    } else if (qos == 2) {
        begin_inbound_qos2(packet_id);
        send(pubrec_packet{packet_id, reason_code::success, {}});
    }
    update_input_hold();
    if (pending_appends_ == 0) conn_.retry_move();
}

bool mqtt_session::movable() const {
    const bool reads = outbound_ && (!outbound_->subscriptions.empty() || !outbound_->inflight.empty() ||
                                     !outbound_->outbox.empty() || !outbound_->retained_fetches.empty());
    return connected_ && !closing_ && !closed_ && !awaiting_handover_ && !ending_ && pending_appends_ == 0 && !reads;
}

void mqtt_session::update_input_hold() {
    const bool hold = awaiting_handover_ || pending_appends_ >= module_.options.receive_maximum;
    if (hold == input_paused_ || (!hold && closing_)) return;
    input_paused_ = hold;
    if (hold) conn_.pause_input();
    else conn_.resume_input();
}

void mqtt_session::refuse_publish(std::uint8_t qos, std::uint16_t packet_id, reason_code code, std::string why) {
    properties explained;
    explained.reason_string = std::move(why);
    if (qos == 1) send(puback_packet{packet_id, code, std::move(explained)});
    else send(pubrec_packet{packet_id, code, std::move(explained)});
}

void mqtt_session::refuse_invalid_publish(std::uint8_t qos, std::uint16_t packet_id, reason_code code,
                                          std::string why) {
    // A QoS 0 publish has no acknowledgement to carry the refusal, and 3.x
    // acknowledgements carry no reason code: the connection ends.
    if (!v5() || qos == 0) return fail(code, std::move(why));
    mqtt_log()->warn("refusing a publish of {}: {}", who(), why);
    refuse_publish(qos, packet_id, code, std::move(why));
}

std::string mqtt_session::payload_format_problem(std::span<const std::byte> payload, const properties& props) {
    if (props.payload_format_indicator != 1) return {};
    const auto problem = utf8_payload_problem(payload);
    if (problem.empty()) return {};
    return fmt::format("the payload {}, but its Payload Format Indicator 1 says UTF-8: send it as UTF-8, or "
                       "without the indicator",
                       problem);
}

std::optional<delayed_will> mqtt_session::publish_will() {
    const auto delay_interval = will_->properties.will_delay_interval.value_or(0);
    auto publish = will_publish(std::move(*will_));
    will_.reset();
    // 5.0 §3.1.3.2.2: at the will delay or when the session ends, whichever
    // comes first.
    const auto delay = std::min(delay_interval, session_expiry_);
    mqtt_log()->debug("publishing the will of {} to '{}'{}", who(), publish.topic,
                      delay ? fmt::format(" in {} s", delay) : std::string());
    if (delay > 0) {
        auto delayed = make_delayed_will(publish, now_ms() + std::int64_t{delay} * 1000);
        if (delayed) return std::move(*delayed);
        mqtt_log()->warn("cannot keep the will of {} for its delay ({}); publishing it now", who(),
                         delayed.error().message());
    }
    auto address = to_engine_address(publish.topic);
    if (!address) return std::nullopt; // checked at CONNECT
    publish_will_message(module_.engine, context(),
                         to_engine_message(std::move(publish), *address, client_id_, now_ms()));
    return std::nullopt;
}

} // namespace gantry::protocols::mqtt
