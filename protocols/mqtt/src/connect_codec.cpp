#include <string>

#include "gantry/protocols/mqtt/topic_filter.hpp"
#include "packet_codecs.hpp"

namespace gantry::protocols::mqtt::detail {

namespace {

constexpr std::uint8_t reserved_flag = 0x01;
constexpr std::uint8_t clean_start_flag = 0x02;
constexpr std::uint8_t will_flag = 0x04;
constexpr std::uint8_t will_retain_flag = 0x20;
constexpr std::uint8_t password_flag = 0x40;
constexpr std::uint8_t user_name_flag = 0x80;
constexpr unsigned will_qos_shift = 3;
// Mosquitto's bridge marker on the 3.1 / 3.1.1 protocol level ("try_private").
constexpr std::uint8_t bridge_level_bit = 0x80;

// 3.1.1 §3.1.2.1-2, 3.1 §3.1: "MQTT" with level 4 or 5, "MQIsdp" with 3;
// 3 and 4 may carry the bridge bit.
bool read_protocol(wire_reader& reader, protocol_version& version, bool& bridge) {
    const auto name = reader.utf8("protocol name");
    auto level = reader.u8("protocol level");
    if (!reader.ok()) return false;
    if (level == (3 | bridge_level_bit) || level == (4 | bridge_level_bit)) {
        bridge = true;
        level &= static_cast<std::uint8_t>(~bridge_level_bit);
    }
    if (name == "MQTT" && (level == 4 || level == 5)) {
        version = static_cast<protocol_version>(level);
        return true;
    }
    if (name == "MQIsdp" && level == 3) {
        version = protocol_version::v3_1;
        return true;
    }
    if (name == "MQTT" || name == "MQIsdp") {
        return reader.fail_packet(mqtt_errc::unsupported_protocol, reason_code::unsupported_protocol_version,
                                  "protocol level " + std::to_string(level) + " with protocol name '" + name +
                                      "' is not supported (3 with 'MQIsdp' is 3.1, 4 with 'MQTT' 3.1.1, 5 "
                                      "with 'MQTT' 5.0)");
    }
    return reader.fail_packet(mqtt_errc::unsupported_protocol, reason_code::unsupported_protocol_version,
                              "protocol name '" + name + "' is neither 'MQTT' nor 'MQIsdp'");
}

} // namespace

connect_packet read_connect(wire_reader& reader, protocol_version& version) {
    connect_packet out;
    if (!read_protocol(reader, version, out.bridge)) return out;
    const bool v5 = version == protocol_version::v5;
    const auto flags = reader.u8("connect flags");
    out.keep_alive = reader.u16("keep alive");
    if (!reader.ok()) return out;
    const bool has_will = (flags & will_flag) != 0;
    const auto will_qos = static_cast<std::uint8_t>((flags >> will_qos_shift) & 0x03);
    const bool will_retain = (flags & will_retain_flag) != 0;
    if ((flags & reserved_flag) != 0) {
        reader.fail_packet(mqtt_errc::invalid_flags, reason_code::malformed_packet,
                           "reserved connect flag (bit 0) is set");
        return out;
    }
    if (will_qos == 3) {
        reader.fail_packet(mqtt_errc::invalid_qos, reason_code::malformed_packet, "will QoS is 3");
        return out;
    }
    if (!has_will && (will_qos != 0 || will_retain)) {
        reader.fail_packet(mqtt_errc::invalid_flags, reason_code::malformed_packet,
                           "sets will QoS or will retain without the will flag");
        return out;
    }
    if (!v5 && (flags & password_flag) != 0 && (flags & user_name_flag) == 0) {
        reader.fail_packet(mqtt_errc::protocol_violation, reason_code::malformed_packet,
                           "has the password flag without the user name flag (allowed only from MQTT 5.0)");
        return out;
    }
    out.clean_start = (flags & clean_start_flag) != 0;
    if (v5) out.properties = read_properties(reader, property_context::connect);
    out.client_id = reader.utf8("client identifier");
    if (has_will) {
        will_message will;
        will.qos = will_qos;
        will.retain = will_retain;
        if (v5) will.properties = read_properties(reader, property_context::will);
        will.topic = reader.utf8("will topic");
        check_topic_name(reader, will.topic, "will topic");
        will.payload = reader.binary("will payload");
        out.will = std::move(will);
    }
    if ((flags & user_name_flag) != 0) out.user_name = reader.utf8("user name");
    if ((flags & password_flag) != 0) out.password = reader.binary("password");
    reader.expect_end();
    return out;
}

void write_packet(wire_writer& writer, const connect_packet& packet, protocol_version version) {
    const bool v5 = version == protocol_version::v5;
    if (!v5 && packet.password && !packet.user_name) return writer.fail(mqtt_errc::protocol_violation);
    std::uint8_t flags = packet.clean_start ? clean_start_flag : 0;
    if (packet.will) {
        if (packet.will->qos > 2) return writer.fail(mqtt_errc::invalid_qos);
        if (!valid_topic_name(packet.will->topic)) return writer.fail(mqtt_errc::invalid_topic_name);
        flags |= will_flag;
        flags |= static_cast<std::uint8_t>(packet.will->qos << will_qos_shift);
        if (packet.will->retain) flags |= will_retain_flag;
    }
    if (packet.user_name) flags |= user_name_flag;
    if (packet.password) flags |= password_flag;

    writer.utf8(version == protocol_version::v3_1 ? "MQIsdp" : "MQTT");
    if (packet.bridge && v5) return writer.fail(mqtt_errc::protocol_violation);
    writer.u8(static_cast<std::uint8_t>(static_cast<std::uint8_t>(version) | (packet.bridge ? bridge_level_bit : 0)));
    writer.u8(flags);
    writer.u16(packet.keep_alive);
    if (v5) write_properties(writer, packet.properties, property_context::connect);
    writer.utf8(packet.client_id);
    if (packet.will) {
        if (v5) write_properties(writer, packet.will->properties, property_context::will);
        writer.utf8(packet.will->topic);
        writer.binary(packet.will->payload);
    }
    if (packet.user_name) writer.utf8(*packet.user_name);
    if (packet.password) writer.binary(*packet.password);
}

} // namespace gantry::protocols::mqtt::detail
