// Messages in: the receiving rules' remote filters are subscribed (with No
// Local on 5.0, so what the bridge sends is not sent back); a remote PUBLISH
// is renamed by its rule, appended locally, and only then acknowledged
// (PUBACK, or PUBREC for QoS 2). A message that cannot be stored ends the
// link instead of being acknowledged, so the remote sends it again.
#include <fmt/format.h>

#include "bridge_log.hpp"
#include "gantry/engine/wall_clock.hpp"
#include "gantry/protocols/mqtt/mqtt_mapping.hpp"
#include "gantry/protocols/mqtt/topic_filter.hpp"
#include "mqtt_bridge_session.hpp"

namespace gantry::bridge {

namespace mqtt = protocols::mqtt;

void mqtt_bridge_session::subscribe_remote() {
    mqtt::subscribe_packet subscribe;
    subscribe.packet_id = 1;
    for (const auto& rule : config_.topics) {
        if (!rule.receives()) continue;
        mqtt::subscription s;
        s.filter = rule.remote_filter();
        s.qos = rule.qos;
        s.no_local = mqtt5();
        s.retain_as_published = mqtt5();
        subscribe.subscriptions.push_back(std::move(s));
    }
    if (!subscribe.subscriptions.empty()) link_->send(subscribe);
}

void mqtt_bridge_session::on_remote_publish(mqtt::publish_packet& publish) {
    const auto id = publish.packet_id;
    if (publish.qos == 2 && (qos2_storing_.contains(id) || qos2_stored_.contains(id))) {
        // A resent PUBLISH for an id already stored or being stored: once only.
        if (qos2_stored_.contains(id)) link_->send(mqtt::pubrec_packet{id, mqtt::reason_code::success, {}});
        return;
    }
    std::optional<std::string> local;
    for (const auto& rule : config_.topics)
        if ((local = rule.to_local(publish.topic))) break;
    std::optional<protocols::naming::engine_address> address;
    std::string problem = "no receiving rule matches it";
    if (local) {
        if (auto mapped = mqtt::to_engine_address(*local)) address = std::move(*mapped);
        else problem = "'" + *local + "': " + mapped.error().message();
    }
    if (!address) {
        bridge_log()->warn("bridge '{}': '{}' from {} has no local name ({}); acknowledged and dropped", name(),
                           publish.topic, link_->address(), problem);
        count_dropped();
        if (publish.qos == 1) link_->send(mqtt::puback_packet{id, mqtt::reason_code::success, {}});
        if (publish.qos == 2) {
            qos2_stored_.insert(id);
            link_->send(mqtt::pubrec_packet{id, mqtt::reason_code::success, {}});
        }
        return;
    }
    const auto bytes = publish.payload.size();
    const auto qos = publish.qos;
    publish.topic = std::move(*local);
    auto msg = mqtt::to_engine_message(std::move(publish), *address, client_id(), engine::wall_clock_ms());
    msg.properties.emplace_back(protocols::naming::bridge_hop_property, name());
    count_in(bytes);
    if (qos == 2) qos2_storing_.insert(id);
    if (++pending_appends_ >= config_.max_inflight) link_->pause_reading();
    auto weak = std::weak_ptr(std::static_pointer_cast<mqtt_bridge_session>(shared_from_this()));
    auto stored = [weak, qos, id, serial = link_serial_](result<engine::append_receipt> r) {
        if (auto self = weak.lock()) self->on_stored(qos, id, serial, r ? std::error_code{} : r.error());
    };
    if (mqtt::published_with_retain(msg)) engine_.retained().retain(context(), std::move(msg), std::move(stored));
    else engine_.append(context(), std::move(msg), std::move(stored));
}

void mqtt_bridge_session::on_stored(std::uint8_t qos, std::uint16_t packet_id, std::uint64_t link_serial,
                                    std::error_code error) {
    if (link_serial != link_serial_ || !link_) return; // that connection is gone: the remote sends it again
    --pending_appends_;
    if (qos == 2) qos2_storing_.erase(packet_id);
    if (error)
        return fail_link(fmt::format("cannot store a message from {}: {}; reconnecting so that it is sent again",
                                     link_->address(), error.message()));
    if (qos == 1) link_->send(mqtt::puback_packet{packet_id, mqtt::reason_code::success, {}});
    if (qos == 2) {
        qos2_stored_.insert(packet_id);
        link_->send(mqtt::pubrec_packet{packet_id, mqtt::reason_code::success, {}});
    }
    if (pending_appends_ + 1 == config_.max_inflight) link_->resume_reading();
}

void mqtt_bridge_session::on_remote_pubrel(std::uint16_t packet_id) {
    const bool known = qos2_stored_.erase(packet_id) > 0;
    link_->send(mqtt::pubcomp_packet{
        packet_id, known ? mqtt::reason_code::success : mqtt::reason_code::packet_identifier_not_found, {}});
}

} // namespace gantry::bridge
