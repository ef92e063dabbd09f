// PUBACK from the client (§3.4): a QoS 1 delivery is done; its credit goes
// back to the engine.
#include "../mqtt_session.hpp"

namespace gantry::protocols::mqtt {

void mqtt_session::handle_puback(const puback_packet& packet) {
    auto& inflight = outbound().inflight;
    const auto it = inflight.find(packet.packet_id);
    if (it == inflight.end() || it->second.qos != 1) return; // unknown ids are ignored (§4.3.2)
    settle(it->second.sub, it->second.handle, it->second.settled);
    inflight.erase(it);
    drain_deliveries();
}

} // namespace gantry::protocols::mqtt
