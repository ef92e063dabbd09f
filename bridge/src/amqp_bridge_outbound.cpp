// Messages out: a delivery of an "out" link's group is encoded as an AMQP
// message (docs/protocol-mapping.md) and sent when the remote gave the link
// credit, at most max_inflight awaiting an outcome. The remote's outcome
// settles it in the engine: accepted; rejected goes to the bridge group's
// dead-letter topic; released or modified comes back after the engine's
// back-off. A presettled link settles it as sent.
#include <fmt/format.h>
#include <proton/condition.h>
#include <proton/disposition.h>

#include "amqp_bridge_session.hpp"
#include "bridge_log.hpp"
#include "gantry/engine/wall_clock.hpp"
#include "gantry/protocols/amqp/amqp_mapping.hpp"

namespace gantry::bridge {

void amqp_bridge_session::send_local(std::uint64_t rule, engine::delivery&& d) {
    senders_[rule].outbox.push_back(std::move(d));
    pump_outbound();
}

void amqp_bridge_session::pump_outbound() {
    std::string encoded;
    for (auto& [rule, s] : senders_) {
        const auto& link_rule = config_.links[rule];
        const auto max_size = pn_link_remote_max_message_size(s.link);
        while (!s.outbox.empty() && pn_link_credit(s.link) > 0 && unsettled_.size() < config_.max_inflight &&
               link_->queued_bytes() < output_budget_bytes) {
            auto d = std::move(s.outbox.front());
            s.outbox.pop_front();
            mark_origin(d.msg);
            encoded.clear();
            protocols::amqp::encode_message(d.msg, static_cast<std::uint32_t>(d.failed_attempts),
                                            engine::wall_clock_ms(), encoded);
            // A message the remote would refuse to take would end the link each time it is tried.
            if (max_size > 0 && encoded.size() > max_size) {
                bridge_log()->warn("bridge '{}': a {}-byte message for '{}' is over {}'s maximum message size {}; "
                                   "it goes to the bridge's dead-letter topic",
                                   name(), encoded.size(), link_rule.remote, link_->address(), max_size);
                count_dropped();
                settle(rule, d.handle, engine::outcome::rejected);
                continue;
            }
            const auto tag = s.next_tag++;
            auto* delivery = pn_delivery(s.link, pn_dtag(reinterpret_cast<const char*>(&tag), sizeof tag));
            pn_link_send(s.link, encoded.data(), encoded.size());
            pn_link_advance(s.link);
            count_out(d.msg.body.size());
            if (link_rule.presettled) {
                pn_delivery_settle(delivery);
                settle(rule, d.handle, engine::outcome::accepted);
            } else {
                unsettled_.emplace(delivery, unsettled{rule, d.handle});
            }
        }
    }
    return_credit();
    link_->flush();
}

const std::string& origin_property() {
    static const auto key = std::string(protocols::amqp::annotation_prefix).append(origin_annotation);
    return key;
}

void amqp_bridge_session::mark_origin(engine::message& msg) const {
    std::erase_if(msg.properties, [](const auto& p) { return p.first == origin_property(); });
    msg.properties.emplace_back(origin_property(), client_id());
}

void amqp_bridge_session::on_remote_outcome(pn_delivery_t* delivery) {
    const auto state = pn_delivery_remote_state(delivery);
    if (state == PN_RECEIVED || (state == 0 && !pn_delivery_settled(delivery))) return; // no outcome yet
    const auto it = unsettled_.find(delivery);
    if (it == unsettled_.end()) return pn_delivery_settle(delivery);
    auto outcome = engine::outcome::accepted; // settled by the remote with no outcome: taken
    if (state == PN_REJECTED) {
        bridge_log()->warn("bridge '{}': {} rejected a message for '{}' ({}); it goes to the bridge's dead-letter "
                           "topic",
                           name(), link_->address(), config_.links[it->second.rule].remote,
                           describe_condition(pn_disposition_condition(pn_delivery_remote(delivery))));
        count_dropped();
        outcome = engine::outcome::rejected;
    } else if (state == PN_RELEASED || state == PN_MODIFIED) {
        // Not taken this time: again after the engine's back-off, not at
        // once, so that a remote that keeps refusing is not flooded.
        outcome = engine::outcome::modified;
    }
    settle(it->second.rule, it->second.handle, outcome);
    unsettled_.erase(it);
    pn_delivery_settle(delivery);
    pump_outbound();
}

} // namespace gantry::bridge
