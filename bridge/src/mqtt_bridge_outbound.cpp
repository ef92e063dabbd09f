// Messages out: a delivery of a sending rule's group is published to the
// remote and settled only when the remote confirmed it (PUBACK; PUBREC for
// QoS 2, after which the remote owns it and gets PUBREL until PUBCOMP;
// QoS 0 when written), at most max_inflight at a time.
#include <fmt/format.h>

#include <algorithm>

#include "bridge_log.hpp"
#include "gantry/engine/wall_clock.hpp"
#include "gantry/protocols/mqtt/mqtt_mapping.hpp"
#include "mqtt_bridge_session.hpp"

namespace gantry::bridge {

namespace mqtt = protocols::mqtt;

void mqtt_bridge_session::send_local(std::uint64_t rule, engine::delivery&& d) {
    outbox_.push_back({rule, std::move(d)});
    pump_outbound();
}

void mqtt_bridge_session::pump_outbound() {
    while (connected() && !outbox_.empty() && in_flight_.size() + releasing_.size() < config_.max_inflight &&
           link_->queued_bytes() < output_budget_bytes) {
        auto next = std::move(outbox_.front());
        outbox_.pop_front();
        send_one(next.rule, next.d);
    }
    // The engine gets its credit back a quarter of the window at a time
    // while the remote still has the rest to acknowledge: one delivery round
    // and one socket write for many messages, not one for each PUBACK.
    const std::size_t window = config_.max_inflight;
    if (in_flight_.size() + releasing_.size() + outbox_.size() <= window - window / 4) return_credit();
}

void mqtt_bridge_session::send_one(std::uint64_t rule_index, engine::delivery& d) {
    const auto& rule = config_.topics[rule_index];
    auto out = mqtt::from_engine_message(d.msg, engine::wall_clock_ms());
    auto remote = rule.to_remote(out.publish.topic);
    if (!remote) {
        bridge_log()->warn("bridge '{}': '{}' has no remote name under rule '{}'; set aside", name(),
                           out.publish.topic, rule.pattern);
        count_dropped();
        return settle(rule_index, d.handle, engine::outcome::rejected);
    }
    auto& publish = out.publish;
    if (const auto problem = mqtt::drop_false_payload_format(publish.properties, publish.payload_bytes());
        !problem.empty())
        bridge_log()->debug("bridge '{}': a message on '{}' says its payload is UTF-8, but the payload {}: sent "
                            "without the Payload Format Indicator",
                            name(), publish.topic, problem);
    publish.topic = std::move(*remote);
    publish.qos = std::min(rule.qos, out.qos);
    publish.retain = out.retain;
    publish.dup = false;
    if (publish.qos > 0) {
        while (next_packet_id_ == 0 || in_flight_.contains(next_packet_id_) || releasing_.contains(next_packet_id_))
            ++next_packet_id_;
        publish.packet_id = next_packet_id_++;
    }
    // A message the link cannot carry would end every connection it is
    // tried on: it is set aside instead.
    const auto sent = link_->send_publish(publish, remote_max_packet_size_);
    if (!sent) {
        bridge_log()->warn("bridge '{}': a message on '{}' cannot go to {} ({}); it goes to the bridge's dead-letter "
                           "topic",
                           name(), publish.topic, link_->address(),
                           sent.error() == mqtt::mqtt_errc::packet_too_large
                               ? fmt::format("a payload of {} bytes, over the remote's maximum packet size {}",
                                             publish.payload.size(), remote_max_packet_size_)
                               : sent.error().message());
        count_dropped();
        return settle(rule_index, d.handle, engine::outcome::rejected);
    }
    count_out(publish.payload.size());
    if (publish.qos == 0) settle(rule_index, d.handle, engine::outcome::accepted);
    else in_flight_.emplace(publish.packet_id, in_flight{rule_index, d.handle});
}

void mqtt_bridge_session::on_publish_answer(std::uint16_t packet_id, mqtt::reason_code reason, bool complete) {
    if (complete && releasing_.erase(packet_id) > 0) return pump_outbound(); // PUBCOMP: the exchange is over
    const auto it = in_flight_.find(packet_id);
    if (it == in_flight_.end()) return; // from before a reconnection: the engine gave it back already
    if (static_cast<std::uint8_t>(reason) >= 0x80) {
        bridge_log()->warn("bridge '{}': {} refused a message (reason 0x{:02X}); it goes to the bridge's dead-letter "
                           "topic",
                           name(), link_->address(), static_cast<unsigned>(reason));
        count_dropped();
        settle(it->second.rule, it->second.handle, engine::outcome::rejected);
    } else {
        settle(it->second.rule, it->second.handle, engine::outcome::accepted);
        if (!complete) { // PUBREC
            releasing_.insert(packet_id);
            link_->send(mqtt::pubrel_packet{packet_id, mqtt::reason_code::success, {}});
        }
    }
    in_flight_.erase(it);
    pump_outbound();
}

void mqtt_bridge_session::resume_releases(bool session_present) {
    // A remote without our session has no exchange to finish.
    if (!session_present) return releasing_.clear();
    for (const auto id : releasing_) link_->send(mqtt::pubrel_packet{id, mqtt::reason_code::success, {}});
}

} // namespace gantry::bridge
