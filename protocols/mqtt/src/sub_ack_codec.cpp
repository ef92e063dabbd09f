#include <cstdio>

#include "packet_codecs.hpp"

namespace gantry::protocols::mqtt::detail {

namespace {

// 3.1.1 §3.9.3: granted QoS 0..2 or 0x80 (failure).
bool v3_suback_code(std::uint8_t code) noexcept {
    return code <= 2 || code == 0x80;
}

std::vector<reason_code> read_reasons(wire_reader& reader, protocol_version version) {
    std::vector<reason_code> out;
    while (reader.ok() && !reader.at_end()) {
        if (version == protocol_version::v5) {
            out.push_back(read_reason_code(reader));
            continue;
        }
        const auto code = reader.u8("return code");
        if (!v3_suback_code(code)) {
            char text[64];
            std::snprintf(text, sizeof text, "return code 0x%02X is reserved", static_cast<unsigned>(code));
            reader.fail_packet(mqtt_errc::invalid_reason_code, reason_code::protocol_error, text);
        }
        out.push_back(static_cast<reason_code>(code));
    }
    if (reader.ok() && out.empty()) {
        reader.fail_packet(mqtt_errc::protocol_violation, reason_code::protocol_error, "has no reason codes");
    }
    return out;
}

} // namespace

suback_packet read_suback(wire_reader& reader, protocol_version version) {
    suback_packet out;
    out.packet_id = reader.packet_id();
    if (version == protocol_version::v5) out.properties = read_properties(reader, property_context::suback);
    out.reasons = read_reasons(reader, version);
    return out;
}

unsuback_packet read_unsuback(wire_reader& reader, protocol_version version) {
    unsuback_packet out;
    out.packet_id = reader.packet_id();
    if (version == protocol_version::v5) {
        out.properties = read_properties(reader, property_context::unsuback);
        out.reasons = read_reasons(reader, version);
    }
    reader.expect_end();
    return out;
}

void write_packet(wire_writer& writer, const suback_packet& packet, protocol_version version) {
    if (packet.packet_id == 0) return writer.fail(mqtt_errc::invalid_packet_id);
    if (packet.reasons.empty()) return writer.fail(mqtt_errc::protocol_violation);
    writer.u16(packet.packet_id);
    if (version == protocol_version::v5) {
        write_properties(writer, packet.properties, property_context::suback);
        for (const auto reason : packet.reasons) write_reason_code(writer, packet_type::suback, reason);
        return;
    }
    for (const auto reason : packet.reasons) {
        const auto code = static_cast<std::uint8_t>(reason);
        if (code >= 0x80) {
            writer.u8(0x80);
        } else if (code <= 2) {
            writer.u8(code);
        } else {
            return writer.fail(mqtt_errc::not_in_version);
        }
    }
}

void write_packet(wire_writer& writer, const unsuback_packet& packet, protocol_version version) {
    if (packet.packet_id == 0) return writer.fail(mqtt_errc::invalid_packet_id);
    writer.u16(packet.packet_id);
    if (version != protocol_version::v5) return;
    if (packet.reasons.empty()) return writer.fail(mqtt_errc::protocol_violation);
    write_properties(writer, packet.properties, property_context::unsuback);
    for (const auto reason : packet.reasons) write_reason_code(writer, packet_type::unsuback, reason);
}

} // namespace gantry::protocols::mqtt::detail
