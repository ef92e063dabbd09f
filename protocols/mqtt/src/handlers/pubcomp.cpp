// PUBCOMP from the client (§3.7): a QoS 2 delivery is complete and its
// packet id free (the engine was settled at PUBREC).
#include "../mqtt_session.hpp"

namespace gantry::protocols::mqtt {

void mqtt_session::handle_pubcomp(const pubcomp_packet& packet) {
    auto& inflight = outbound().inflight;
    const auto it = inflight.find(packet.packet_id);
    if (it == inflight.end() || it->second.qos != 2 || !it->second.released) return;
    journal_qos2({qos2_step::kind::acknowledged, packet.packet_id, std::nullopt});
    inflight.erase(it);
    drain_deliveries();
}

} // namespace gantry::protocols::mqtt
