// PUBREL from the client (§3.6): the second half of an inbound QoS 2
// exchange; the message was stored before PUBREC, so PUBCOMP goes at once.
#include <fmt/format.h>

#include "../mqtt_session.hpp"

namespace gantry::protocols::mqtt {

void mqtt_session::handle_pubrel(const pubrel_packet& packet) {
    if (inbound_ && inbound_->qos2_received.contains(packet.packet_id)) {
        end_inbound_qos2(packet.packet_id);
        return send(pubcomp_packet{packet.packet_id, reason_code::success, {}});
    }
    // 3.1.1 has no reason codes: a PUBREL for an unknown id is completed anyway.
    pubcomp_packet unknown{packet.packet_id, reason_code::packet_identifier_not_found, {}};
    unknown.properties.reason_string = fmt::format(
        "PUBREL for packet identifier {}, but no QoS 2 publish with that identifier awaits it (completed already, "
        "or never stored)",
        packet.packet_id);
    send(unknown);
}

} // namespace gantry::protocols::mqtt
