#pragma once

#include <cstdint>
#include <string_view>

#include "gantry/protocols/mqtt/mqtt_packet.hpp"
#include "gantry/protocols/mqtt/protocol_version.hpp"
#include "property_codec.hpp"
#include "wire_reader.hpp"
#include "wire_writer.hpp"

// One reader and one writer per packet, each over the bytes after the fixed
// header; mqtt_codec frames them.
namespace gantry::protocols::mqtt::detail {

// `version` comes in as the caller's guess and leaves as the CONNECT's own
// level once that has been read.
connect_packet read_connect(wire_reader& reader, protocol_version& version);
connack_packet read_connack(wire_reader& reader, protocol_version version);
publish_packet read_publish(wire_reader& reader, std::uint8_t flags, protocol_version version);
mqtt_packet read_pub_ack(wire_reader& reader, protocol_version version);  // PUBACK, PUBREC, PUBREL, PUBCOMP
subscribe_packet read_subscribe(wire_reader& reader, protocol_version version);
suback_packet read_suback(wire_reader& reader, protocol_version version);
unsubscribe_packet read_unsubscribe(wire_reader& reader, protocol_version version);
unsuback_packet read_unsuback(wire_reader& reader, protocol_version version);
disconnect_packet read_disconnect(wire_reader& reader, protocol_version version);
auth_packet read_auth(wire_reader& reader);

void write_packet(wire_writer& writer, const connect_packet& packet, protocol_version version);
void write_packet(wire_writer& writer, const connack_packet& packet, protocol_version version);
void write_packet(wire_writer& writer, const publish_packet& packet, protocol_version version);
void write_packet(wire_writer& writer, const puback_packet& packet, protocol_version version);
void write_packet(wire_writer& writer, const pubrec_packet& packet, protocol_version version);
void write_packet(wire_writer& writer, const pubrel_packet& packet, protocol_version version);
void write_packet(wire_writer& writer, const pubcomp_packet& packet, protocol_version version);
void write_packet(wire_writer& writer, const subscribe_packet& packet, protocol_version version);
void write_packet(wire_writer& writer, const suback_packet& packet, protocol_version version);
void write_packet(wire_writer& writer, const unsubscribe_packet& packet, protocol_version version);
void write_packet(wire_writer& writer, const unsuback_packet& packet, protocol_version version);
void write_packet(wire_writer& writer, const pingreq_packet& packet, protocol_version version);
void write_packet(wire_writer& writer, const pingresp_packet& packet, protocol_version version);
void write_packet(wire_writer& writer, const disconnect_packet& packet, protocol_version version);
void write_packet(wire_writer& writer, const auth_packet& packet, protocol_version version);

// Shared field rules (field_rules.cpp).

// A 5.0 reason code the packet being read may carry.
reason_code read_reason_code(wire_reader& reader);
void write_reason_code(wire_writer& writer, packet_type type, reason_code code);
// DISCONNECT and AUTH: reason code and properties, both optional (5.0
// §3.14.2.1, §3.15.2.1).
void read_reason_and_properties(wire_reader& reader, reason_code& code, properties& props);
void write_reason_and_properties(wire_writer& writer, packet_type type, reason_code code,
                                 const properties& props);
// Fails with a malformed-packet diagnostic when `name` is not a topic name.
void check_topic_name(wire_reader& reader, std::string_view name, std::string_view what);

} // namespace gantry::protocols::mqtt::detail
