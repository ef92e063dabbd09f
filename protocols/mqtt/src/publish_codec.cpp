#include "gantry/protocols/mqtt/topic_filter.hpp"
#include "packet_codecs.hpp"

namespace gantry::protocols::mqtt::detail {

// The fixed header's flags were checked by mqtt_codec: QoS 0..2, no DUP with QoS 0.
publish_packet read_publish(wire_reader& reader, std::uint8_t flags, protocol_version version) {
    publish_packet out;
    out.dup = (flags & 0x08) != 0;
    out.qos = static_cast<std::uint8_t>((flags >> 1) & 0x03);
    out.retain = (flags & 0x01) != 0;
    out.topic = reader.utf8("topic name");
    if (out.qos > 0) out.packet_id = reader.packet_id();
    const bool v5 = version == protocol_version::v5;
    if (v5) out.properties = read_properties(reader, property_context::publish);
    if (!reader.ok()) return out;
    if (out.topic.empty() && v5) {
        // 5.0 §3.3.2.1: an empty topic name stands for the topic alias's topic.
        if (!out.properties.topic_alias) {
            reader.fail_packet(mqtt_errc::protocol_violation, reason_code::protocol_error,
                               "has an empty topic name and no topic alias");
        }
    } else {
        check_topic_name(reader, out.topic, "topic name");
    }
    out.payload = reader.rest();
    return out;
}

void write_packet(wire_writer& writer, const publish_packet& packet, protocol_version version) {
    if (packet.qos > 2) return writer.fail(mqtt_errc::invalid_qos);
    if (packet.dup && packet.qos == 0) return writer.fail(mqtt_errc::invalid_flags);
    if (packet.qos > 0 && packet.packet_id == 0) return writer.fail(mqtt_errc::invalid_packet_id);
    const bool v5 = version == protocol_version::v5;
    const bool aliased = v5 && packet.topic.empty() && packet.properties.topic_alias;
    if (!aliased && !valid_topic_name(packet.topic)) return writer.fail(mqtt_errc::invalid_topic_name);
    writer.utf8(packet.topic);
    if (packet.qos > 0) writer.u16(packet.packet_id);
    if (v5) write_properties(writer, packet.properties, property_context::publish);
    writer.raw(packet.payload_bytes());
}

} // namespace gantry::protocols::mqtt::detail
