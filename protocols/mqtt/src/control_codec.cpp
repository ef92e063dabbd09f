#include "packet_codecs.hpp"

// The packets with little or no variable header: PINGREQ, PINGRESP,
// DISCONNECT and AUTH.
namespace gantry::protocols::mqtt::detail {

disconnect_packet read_disconnect(wire_reader& reader, protocol_version version) {
    disconnect_packet out;
    if (version == protocol_version::v5) read_reason_and_properties(reader, out.reason, out.properties);
    reader.expect_end();
    return out;
}

auth_packet read_auth(wire_reader& reader) {
    auth_packet out;
    read_reason_and_properties(reader, out.reason, out.properties);
    return out;
}

void write_packet(wire_writer&, const pingreq_packet&, protocol_version) {}

void write_packet(wire_writer&, const pingresp_packet&, protocol_version) {}

void write_packet(wire_writer& writer, const disconnect_packet& packet, protocol_version version) {
    if (version != protocol_version::v5) return;
    write_reason_and_properties(writer, packet_type::disconnect, packet.reason, packet.properties);
}

void write_packet(wire_writer& writer, const auth_packet& packet, protocol_version version) {
    if (version != protocol_version::v5) return writer.fail(mqtt_errc::not_in_version);
    write_reason_and_properties(writer, packet_type::auth, packet.reason, packet.properties);
}

} // namespace gantry::protocols::mqtt::detail
