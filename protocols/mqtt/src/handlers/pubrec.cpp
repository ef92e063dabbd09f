// PUBREC from the client (§3.5): the first answer to a QoS 2 delivery; the
// broker releases the packet id with PUBREL. A 5.0 failure code ends the
// exchange (§4.3.3): the delivery is done either way.
#include "../mqtt_session.hpp"

namespace gantry::protocols::mqtt {

void mqtt_session::handle_pubrec(const pubrec_packet& packet) {
    const auto it = inflight_.find(packet.packet_id);
    if (it == inflight_.end() || it->second.qos != 2) {
        send(pubrel_packet{packet.packet_id, reason_code::packet_identifier_not_found, {}});
        return;
    }
    if (static_cast<std::uint8_t>(packet.reason) >= 0x80) {
        settle(it->second.sub, it->second.handle, it->second.retained);
        inflight_.erase(it);
        drain_deliveries();
        return;
    }
    it->second.released = true;
    send(pubrel_packet{packet.packet_id, reason_code::success, {}});
}

} // namespace gantry::protocols::mqtt
