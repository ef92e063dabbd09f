#include "packet_codecs.hpp"

// PUBACK, PUBREC, PUBREL and PUBCOMP share one layout (5.0 §3.4-3.7): packet
// identifier, then in 5.0 an optional reason code and optional properties.
namespace gantry::protocols::mqtt::detail {

namespace {

template <typename Packet>
Packet read_fields(wire_reader& reader, protocol_version version) {
    Packet out;
    out.packet_id = reader.packet_id();
    if (version == protocol_version::v5 && !reader.at_end()) {
        out.reason = read_reason_code(reader);
        if (!reader.at_end()) out.properties = read_properties(reader, context_of(reader.type()));
    }
    reader.expect_end();
    return out;
}

template <typename Packet>
void write_fields(wire_writer& writer, packet_type type, const Packet& packet, protocol_version version) {
    if (packet.packet_id == 0) return writer.fail(mqtt_errc::invalid_packet_id);
    writer.u16(packet.packet_id);
    if (version != protocol_version::v5) return;
    if (packet.reason == reason_code::success && packet.properties.empty()) return;
    write_reason_code(writer, type, packet.reason);
    if (!packet.properties.empty()) write_properties(writer, packet.properties, context_of(type));
}

} // namespace

mqtt_packet read_pub_ack(wire_reader& reader, protocol_version version) {
    switch (reader.type()) {
    case packet_type::puback: return read_fields<puback_packet>(reader, version);
    case packet_type::pubrec: return read_fields<pubrec_packet>(reader, version);
    case packet_type::pubrel: return read_fields<pubrel_packet>(reader, version);
    default: return read_fields<pubcomp_packet>(reader, version);
    }
}

void write_packet(wire_writer& writer, const puback_packet& packet, protocol_version version) {
    write_fields(writer, packet_type::puback, packet, version);
}

void write_packet(wire_writer& writer, const pubrec_packet& packet, protocol_version version) {
    write_fields(writer, packet_type::pubrec, packet, version);
}

void write_packet(wire_writer& writer, const pubrel_packet& packet, protocol_version version) {
    write_fields(writer, packet_type::pubrel, packet, version);
}

void write_packet(wire_writer& writer, const pubcomp_packet& packet, protocol_version version) {
    write_fields(writer, packet_type::pubcomp, packet, version);
}

} // namespace gantry::protocols::mqtt::detail
