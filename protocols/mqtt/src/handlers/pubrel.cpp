// PUBREL from the client (§3.6): the second half of an inbound QoS 2
// exchange; the message was stored before PUBREC, so PUBCOMP goes at once.
#include "../mqtt_session.hpp"

namespace gantry::protocols::mqtt {

void mqtt_session::handle_pubrel(const pubrel_packet& packet) {
    const bool known = qos2_received_.erase(packet.packet_id) > 0;
    // 3.1.1 has no reason codes: a PUBREL for an unknown id is completed anyway.
    send(pubcomp_packet{packet.packet_id, known ? reason_code::success : reason_code::packet_identifier_not_found, {}});
}

} // namespace gantry::protocols::mqtt
