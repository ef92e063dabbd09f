// UNSUBSCRIBE (§3.10): ends the engine subscription of each filter, and a
// persistent session's group with what waits in it; QoS 1/2 deliveries
// already sent still complete (§3.10.4).
#include <algorithm>

#include "gantry/protocols/mqtt/topic_filter.hpp"

#include "../mqtt_log.hpp"
#include "../mqtt_session.hpp"

namespace gantry::protocols::mqtt {

void mqtt_session::handle_unsubscribe(const unsubscribe_packet& packet) {
    unsuback_packet unsuback;
    unsuback.packet_id = packet.packet_id;
    failed_filters failed;
    auto& out = outbound();
    for (const auto& filter : packet.filters) {
        const auto it = out.subscriptions.find(filter);
        if (it == out.subscriptions.end()) {
            unsuback.reasons.push_back(reason_code::no_subscription_existed);
            failed.add(filter, "this client has no subscription with exactly this filter");
            continue;
        }
        const auto sub = it->second;
        module_.engine.unsubscribe(sub->engine_id);
        if (!sub->durable_group.empty()) module_.engine.delete_group(context(), sub->durable_group);
        if (const auto share = parse_topic_filter(filter); share && share->shared() && !generation_.empty())
            release_share(client_id_, filter, *share);
        out.subscriptions.erase(it);
        out.by_local_id.erase(sub->local_id);
        out.outbox.erase(std::remove_if(out.outbox.begin(), out.outbox.end(),
                                        [&](const queued_delivery& q) { return q.sub == sub; }),
                         out.outbox.end());
        unsuback.reasons.push_back(reason_code::success);
        mqtt_log()->debug("{} unsubscribed from '{}'", who(), filter);
    }
    if (!failed.empty()) unsuback.properties.reason_string = failed.reason_string();
    save_session();
    send(unsuback);
}

} // namespace gantry::protocols::mqtt
