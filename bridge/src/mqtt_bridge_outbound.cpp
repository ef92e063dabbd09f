// Messages out: each sending rule reads its local filter as a durable engine
// group; a delivery is published to the remote and settled only when the
// remote confirmed it (PUBACK, or PUBCOMP for QoS 2; QoS 0 when written).
// While the link is down the subscriptions are closed, so the engine gives
// back what was in flight and the backlog stays in the log; the group's
// position carries over to the next connection and to a restart.
#include <fmt/format.h>

#include <algorithm>

#include "bridge_log.hpp"
#include "gantry/protocols/common/client_identity.hpp"
#include "gantry/protocols/common/subscription_sink.hpp"
#include "gantry/protocols/mqtt/mqtt_mapping.hpp"
#include "mqtt_bridge_session.hpp"

namespace gantry::bridge {

namespace mqtt = protocols::mqtt;

namespace {

// A message the remote has not answered for this long is given to the
// group again (a remote that accepted it but lost it): long, since the
// remote's own redelivery covers shorter gaps.
constexpr auto remote_answer_timeout = std::chrono::hours(1);

// What the link may have queued before deliveries wait in the log instead.
constexpr std::size_t output_budget_bytes = 1024 * 1024;

} // namespace

void mqtt_bridge_session::open_outbound(int credit) {
    for (std::uint64_t i = 0; i < config_.topics.size(); ++i) {
        const auto& rule = config_.topics[i];
        if (!rule.sends()) continue;
        auto filter = mqtt::to_engine_filter(rule.local_filter());
        if (!filter) continue; // refused when the configuration was read
        engine::subscription_options options;
        options.topic = filter->topic;
        options.filter_kind = engine::filter_language::mqtt;
        options.filter = filter->remainder;
        options.group = sending_group(rule);
        options.durable = true;
        options.mode = engine::delivery_mode::shared;
        // Where a new bridge starts; afterwards its committed position.
        options.start = engine::start_position::at_time(protocols::common::wall_clock_ms());
        options.ack_timeout = remote_answer_timeout;
        auto id = engine_.subscribe(
            context(), std::move(options),
            std::make_shared<protocols::common::subscription_sink<mqtt_bridge_session, mqtt_bridge_session>>(
                weak_from_this(), *this, i));
        if (!id) {
            bridge_log()->error("bridge '{}' cannot read local topics '{}': {}; nothing of them is sent",
                                config_.name, rule.local_filter(), id.error().message());
            continue;
        }
        sending_[i] = {*id, true, 0};
        engine_.grant_credit(*id, credit);
    }
}

void mqtt_bridge_session::close_outbound() {
    for (auto& [rule, s] : sending_)
        if (s.open) engine_.unsubscribe(s.id);
    sending_.clear();
    outbox_.clear();
    in_flight_.clear();
}

void mqtt_bridge_session::on_delivery(std::uint64_t rule, engine::delivery d) {
    if (!connected_ || !sending_.contains(rule)) return; // given back when its subscription closed
    outbox_.push_back({rule, std::move(d)});
    pump_outbound();
}

void mqtt_bridge_session::on_subscription_closed(std::uint64_t rule, std::error_code reason) {
    if (!reason) return; // our own unsubscribe
    bridge_log()->error("bridge '{}': the broker ended the reading of '{}': {}", config_.name,
                        config_.topics[rule].local_filter(), reason.message());
    sending_.erase(rule);
}

void mqtt_bridge_session::pump_outbound() {
    while (connected_ && !outbox_.empty() && in_flight_.size() < config_.max_inflight &&
           link_->queued_bytes() < output_budget_bytes) {
        auto next = std::move(outbox_.front());
        outbox_.pop_front();
        if (!send_one(next.rule, next.d)) break;
    }
    for (auto& [rule, s] : sending_) {
        if (s.credit_to_return <= 0) continue;
        engine_.grant_credit(s.id, s.credit_to_return);
        s.credit_to_return = 0;
    }
}

bool mqtt_bridge_session::send_one(std::uint64_t rule_index, engine::delivery& d) {
    const auto& rule = config_.topics[rule_index];
    // Not back to where it came from (and not in a loop through this bridge).
    const auto hop = std::ranges::find(d.msg.properties, protocols::naming::bridge_hop_property, &std::pair<std::string, std::string>::first);
    if (hop != d.msg.properties.end() && hop->second == config_.name) {
        settle(rule_index, d.handle, engine::outcome::accepted);
        return true;
    }
    auto out = mqtt::from_engine_message(d.msg, protocols::common::wall_clock_ms());
    auto remote = rule.to_remote(out.publish.topic);
    if (!remote) {
        bridge_log()->warn("bridge '{}': '{}' has no remote name under rule '{}'; set aside", config_.name,
                           out.publish.topic, rule.pattern);
        ++traffic_.dropped;
        settle(rule_index, d.handle, engine::outcome::rejected);
        return true;
    }
    auto& publish = out.publish;
    publish.topic = std::move(*remote);
    publish.qos = std::min(rule.qos, out.qos);
    publish.retain = out.retain;
    publish.dup = false;
    if (publish.qos > 0) {
        while (in_flight_.contains(next_packet_id_) || next_packet_id_ == 0) ++next_packet_id_;
        publish.packet_id = next_packet_id_++;
    }
    // A message the link cannot carry would end every connection it is
    // tried on: it is set aside instead.
    const auto size = mqtt::mqtt_codec::encoded_size(
        publish, mqtt5() ? mqtt::protocol_version::v5 : mqtt::protocol_version::v3_1_1);
    if (!size || (remote_max_packet_size_ > 0 && *size > remote_max_packet_size_)) {
        bridge_log()->warn("bridge '{}': a message on '{}' cannot go to {} ({}); it goes to the bridge's dead-letter "
                           "topic",
                           config_.name, publish.topic, link_->address(),
                           size ? fmt::format("{} bytes, over the remote's maximum packet size {}", *size,
                                              remote_max_packet_size_)
                                : size.error().message());
        ++traffic_.dropped;
        settle(rule_index, d.handle, engine::outcome::rejected);
        return true;
    }
    const auto bytes = publish.payload.size();
    link_->send(publish);
    if (!link_ || !connected_) return false; // the send failed and took the link down
    ++traffic_.messages_out;
    traffic_.bytes_out += bytes;
    if (publish.qos == 0) settle(rule_index, d.handle, engine::outcome::accepted);
    else in_flight_.emplace(publish.packet_id, in_flight{rule_index, d.handle, false});
    return true;
}

void mqtt_bridge_session::on_publish_answer(std::uint16_t packet_id, mqtt::reason_code reason, bool complete) {
    const auto it = in_flight_.find(packet_id);
    if (it == in_flight_.end()) return; // from before a reconnection: the engine gave it back already
    if (static_cast<std::uint8_t>(reason) >= 0x80) {
        bridge_log()->warn("bridge '{}': {} refused a message (reason 0x{:02X}); it goes to the bridge's dead-letter "
                           "topic",
                           config_.name, link_->address(), static_cast<unsigned>(reason));
        ++traffic_.dropped;
        settle(it->second.rule, it->second.handle, engine::outcome::rejected);
        in_flight_.erase(it);
    } else if (!complete) { // PUBREC: release, then wait for PUBCOMP
        it->second.released = true;
        link_->send(mqtt::pubrel_packet{packet_id, mqtt::reason_code::success, {}});
        return;
    } else {
        settle(it->second.rule, it->second.handle, engine::outcome::accepted);
        in_flight_.erase(it);
    }
    pump_outbound();
}

void mqtt_bridge_session::settle(std::uint64_t rule, const engine::delivery_handle& handle, engine::outcome outcome) {
    const auto it = sending_.find(rule);
    if (it == sending_.end()) return;
    engine_.settle(it->second.id, handle, outcome);
    ++it->second.credit_to_return;
}

} // namespace gantry::bridge
