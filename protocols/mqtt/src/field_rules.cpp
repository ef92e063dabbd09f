#include <cstdio>
#include <string>

#include "gantry/protocols/mqtt/topic_filter.hpp"
#include "packet_codecs.hpp"

namespace gantry::protocols::mqtt::detail {

reason_code read_reason_code(wire_reader& reader) {
    const auto code = static_cast<reason_code>(reader.u8("reason code"));
    if (reader.ok() && !reason_code_allowed(reader.type(), code)) {
        char text[64];
        std::snprintf(text, sizeof text, "reason code 0x%02X is not one this packet may carry",
                      static_cast<unsigned>(code));
        reader.fail_packet(mqtt_errc::invalid_reason_code, reason_code::protocol_error, text);
    }
    return code;
}

void write_reason_code(wire_writer& writer, packet_type type, reason_code code) {
    if (!reason_code_allowed(type, code)) return writer.fail(mqtt_errc::invalid_reason_code);
    writer.u8(static_cast<std::uint8_t>(code));
}

void read_reason_and_properties(wire_reader& reader, reason_code& code, properties& props) {
    if (reader.at_end()) return;
    code = read_reason_code(reader);
    if (!reader.at_end()) props = read_properties(reader, context_of(reader.type()));
    reader.expect_end();
}

void write_reason_and_properties(wire_writer& writer, packet_type type, reason_code code,
                                 const properties& props) {
    if (code == reason_code::success && props.empty()) return;
    write_reason_code(writer, type, code);
    // A property length after a lone AUTH reason code: decoders such as
    // Mosquitto's require it there, though not in DISCONNECT.
    if (!props.empty() || type == packet_type::auth) write_properties(writer, props, context_of(type));
}

void check_topic_name(wire_reader& reader, std::string_view name, std::string_view what) {
    if (!reader.ok()) return;
    if (const auto problem = topic_name_problem(name); !problem.empty()) {
        reader.fail_packet(mqtt_errc::invalid_topic_name, reason_code::malformed_packet,
                           std::string(what) + " " + std::string(problem));
    }
}

} // namespace gantry::protocols::mqtt::detail
