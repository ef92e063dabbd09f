#include <string>

#include "packet_codecs.hpp"

namespace gantry::protocols::mqtt::detail {

connack_packet read_connack(wire_reader& reader, protocol_version version) {
    connack_packet out;
    const auto flags = reader.u8("acknowledge flags");
    if (reader.ok() && (flags & 0xFE) != 0) {
        reader.fail_packet(mqtt_errc::invalid_flags, reason_code::malformed_packet,
                           "reserved acknowledge flags (bits 7-1) are set");
        return out;
    }
    out.session_present = (flags & 0x01) != 0;
    if (version == protocol_version::v5) {
        out.reason = read_reason_code(reader);
        out.properties = read_properties(reader, property_context::connack);
    } else {
        const auto code = reader.u8("return code");
        const auto reason = from_v3_connack_code(code);
        if (reader.ok() && !reason) {
            reader.fail_packet(mqtt_errc::invalid_reason_code, reason_code::protocol_error,
                               "return code " + std::to_string(code) + " is reserved (0..5 are defined)");
        }
        out.reason = reason.value_or(reason_code::success);
    }
    reader.expect_end();
    return out;
}

void write_packet(wire_writer& writer, const connack_packet& packet, protocol_version version) {
    writer.u8(packet.session_present ? 1 : 0);
    if (version == protocol_version::v5) {
        write_reason_code(writer, packet_type::connack, packet.reason);
        write_properties(writer, packet.properties, property_context::connack);
        return;
    }
    const auto code = to_v3_connack_code(packet.reason);
    if (!code) return writer.fail(mqtt_errc::not_in_version);
    writer.u8(*code);
}

} // namespace gantry::protocols::mqtt::detail
