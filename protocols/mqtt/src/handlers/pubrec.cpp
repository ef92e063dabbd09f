// PUBREC from the client (§3.5): the first answer to a QoS 2 delivery. The
// client has the message now, so the engine is settled here: a session that
// reconnects before PUBCOMP gets PUBREL again, not the message (§4.3.3).
// The packet id stays in flight until PUBCOMP. A 5.0 failure code ends the
// exchange: the delivery is done either way.
#include <fmt/format.h>

#include "../mqtt_session.hpp"

namespace gantry::protocols::mqtt {

void mqtt_session::handle_pubrec(const pubrec_packet& packet) {
    auto& inflight = outbound().inflight;
    const auto it = inflight.find(packet.packet_id);
    if (it == inflight.end() || it->second.qos != 2) {
        pubrel_packet unknown{packet.packet_id, reason_code::packet_identifier_not_found, {}};
        unknown.properties.reason_string = fmt::format(
            "PUBREC for packet identifier {}, but no QoS 2 delivery with that identifier is in flight",
            packet.packet_id);
        return send(unknown);
    }
    auto& delivery = it->second;
    const bool refused = static_cast<std::uint8_t>(packet.reason) >= 0x80;
    if (!delivery.released) {
        // The client has it (or will never take it): not sent again, should
        // the engine give it back after a crash.
        std::optional<delivery_place> place;
        if (!delivery.settled || delivery.owned) place = place_of(*delivery.sub, delivery.handle);
        journal_qos2({refused ? qos2_step::kind::refused : qos2_step::kind::received, packet.packet_id,
                      std::move(place)});
    }
    if (!delivery.settled) settle(delivery.sub, delivery.handle);
    delivery.settled = true;
    if (refused) {
        inflight.erase(it);
        drain_deliveries();
        return;
    }
    delivery.released = true;
    send(pubrel_packet{packet.packet_id, reason_code::success, {}});
    return_credit();
}

} // namespace gantry::protocols::mqtt
