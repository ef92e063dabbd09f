#include "gantry/protocols/mqtt/mqtt_codec.hpp"

#include <cstdio>
#include <string>

#include "packet_codecs.hpp"

namespace gantry::protocols::mqtt {

namespace {

using detail::wire_reader;
using detail::wire_writer;

decode_result need_more(std::size_t packet_size, protocol_version version) {
    decode_result out;
    out.version = version;
    out.packet_size = packet_size;
    return out;
}

decode_result failed(std::optional<packet_type> type, protocol_version version, detail::decode_failure failure) {
    decode_result out;
    out.status = decode_status::error;
    out.version = version;
    out.diagnostic = {failure.code, failure.reason, std::move(failure.message), type, version};
    return out;
}

std::string hex(unsigned value) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%X", value);
    return text;
}

// 3.1.1 §2.2.2, 5.0 §2.1.3: reserved flags must be as specified, and PUBLISH
// may not have QoS 3 or DUP with QoS 0. 3.1 also let PUBREL, SUBSCRIBE and
// UNSUBSCRIBE carry DUP when resent.
std::optional<detail::decode_failure> check_first_byte(std::uint8_t first, protocol_version version) {
    const auto raw_type = static_cast<unsigned>(first >> 4);
    const auto flags = static_cast<unsigned>(first & 0x0F);
    if (raw_type == 0 || (raw_type == 15 && version != protocol_version::v5)) {
        return detail::decode_failure{mqtt_errc::reserved_packet_type, reason_code::malformed_packet,
                                      "packet type " + std::to_string(raw_type) +
                                          (raw_type == 0 ? " is reserved" : " (AUTH) exists only in MQTT 5.0")};
    }
    const auto type = static_cast<packet_type>(raw_type);
    if (type == packet_type::publish) {
        if ((flags & 0x06) == 0x06) {
            return detail::decode_failure{mqtt_errc::invalid_qos, reason_code::malformed_packet, "PUBLISH QoS is 3"};
        }
        if ((flags & 0x0E) == 0x08) {
            return detail::decode_failure{mqtt_errc::invalid_flags, reason_code::malformed_packet,
                                          "PUBLISH has DUP set with QoS 0"};
        }
        return std::nullopt;
    }
    const bool two = type == packet_type::pubrel || type == packet_type::subscribe || type == packet_type::unsubscribe;
    const unsigned expected = two ? 0x2 : 0x0;
    if (flags == expected || (two && version == protocol_version::v3_1 && flags == 0xA)) return std::nullopt;
    return detail::decode_failure{mqtt_errc::invalid_flags, reason_code::malformed_packet,
                                  std::string(packet_type_name(type)) + " fixed header flags are " + hex(flags) +
                                      " (must be " + hex(expected) + ")"};
}

mqtt_packet read_packet(wire_reader& reader, std::uint8_t flags, protocol_version& version) {
    switch (reader.type()) {
    case packet_type::connect: return detail::read_connect(reader, version);
    case packet_type::connack: return detail::read_connack(reader, version);
    case packet_type::publish: return detail::read_publish(reader, flags, version);
    case packet_type::puback:
    case packet_type::pubrec:
    case packet_type::pubrel:
    case packet_type::pubcomp: return detail::read_pub_ack(reader, version);
    case packet_type::subscribe: return detail::read_subscribe(reader, version);
    case packet_type::suback: return detail::read_suback(reader, version);
    case packet_type::unsubscribe: return detail::read_unsubscribe(reader, version);
    case packet_type::unsuback: return detail::read_unsuback(reader, version);
    case packet_type::pingreq: reader.expect_end(); return pingreq_packet{};
    case packet_type::pingresp: reader.expect_end(); return pingresp_packet{};
    case packet_type::disconnect: return detail::read_disconnect(reader, version);
    case packet_type::auth: return detail::read_auth(reader);
    }
    return pingreq_packet{};
}

std::uint8_t publish_first_byte(const publish_packet& publish) {
    return static_cast<std::uint8_t>((static_cast<unsigned>(packet_type::publish) << 4) | (publish.dup ? 0x08 : 0) |
                                     (publish.qos << 1) | (publish.retain ? 1 : 0));
}

std::uint8_t first_byte(const mqtt_packet& packet) {
    if (const auto* publish = std::get_if<publish_packet>(&packet)) return publish_first_byte(*publish);
    const bool flagged = std::holds_alternative<pubrel_packet>(packet) ||
                         std::holds_alternative<subscribe_packet>(packet) ||
                         std::holds_alternative<unsubscribe_packet>(packet);
    return static_cast<std::uint8_t>((static_cast<unsigned>(type_of(packet)) << 4) | (flagged ? 0x02 : 0));
}

void write_body(wire_writer& writer, const mqtt_packet& packet, protocol_version version) {
    std::visit([&](const auto& p) { detail::write_packet(writer, p, version); }, packet);
}

// Appends a packet: `first`, the remaining length, what `write` writes, and
// room counted for `payload_after` more bytes the caller sends behind it.
// Two passes of `write`: one to count, one to write.
template <typename Write>
result<std::size_t> append_packet(std::uint8_t first, Write write, std::size_t payload_after,
                                  std::vector<std::byte>& out) {
    wire_writer counter;
    write(counter);
    if (!counter.ok()) return counter.error();
    if (counter.size() > max_remaining_length || payload_after > max_remaining_length - counter.size())
        return mqtt_errc::packet_too_large;
    const auto start = out.size();
    out.reserve(start + 5 + counter.size());
    out.push_back(std::byte{first});
    append_variable_byte_integer(static_cast<std::uint32_t>(counter.size() + payload_after), out);
    wire_writer writer(out);
    write(writer);
    return out.size() - start;
}

result<std::uint32_t> remaining_length(const mqtt_packet& packet, protocol_version version) {
    wire_writer counter;
    write_body(counter, packet, version);
    if (!counter.ok()) return counter.error();
    if (counter.size() > max_remaining_length) return mqtt_errc::packet_too_large;
    return static_cast<std::uint32_t>(counter.size());
}

} // namespace

decode_result mqtt_codec::decode(std::span<const std::byte> input, protocol_version version) const {
    if (input.empty()) return need_more(0, version);
    const auto first = std::to_integer<std::uint8_t>(input[0]);
    const auto raw_type = static_cast<unsigned>(first >> 4);
    const auto type = raw_type == 0 ? std::nullopt : std::optional(static_cast<packet_type>(raw_type));
    if (auto problem = check_first_byte(first, version)) return failed(type, version, std::move(*problem));

    const auto length = decode_variable_byte_integer(input.subspan(1));
    if (length.status == vbi_status::need_more) return need_more(0, version);
    if (length.status == vbi_status::malformed) {
        return failed(type, version,
                      {mqtt_errc::malformed_variable_byte_integer, reason_code::malformed_packet,
                       std::string(packet_type_name(*type)) + " remaining length is longer than four bytes"});
    }
    const std::size_t packet_size = 1 + length.size + length.value;
    if (packet_size > max_packet_size_) {
        return failed(type, version,
                      {mqtt_errc::packet_too_large, reason_code::packet_too_large,
                       std::string(packet_type_name(*type)) + " of " + std::to_string(packet_size) +
                           " bytes exceeds the " + std::to_string(max_packet_size_) + "-byte maximum packet size"});
    }
    if (input.size() < packet_size) return need_more(packet_size, version);

    std::optional<detail::decode_failure> failure;
    wire_reader reader(input.subspan(1 + length.size, length.value), *type, failure);
    auto packet_version = version;
    auto packet = read_packet(reader, first & 0x0F, packet_version);
    if (failure) return failed(type, packet_version, std::move(*failure));
    decode_result out;
    out.status = decode_status::complete;
    out.packet = std::move(packet);
    out.version = packet_version;
    out.consumed = packet_size;
    out.packet_size = packet_size;
    return out;
}

result<std::size_t> mqtt_codec::encoded_size(const mqtt_packet& packet, protocol_version version) {
    const auto remaining = remaining_length(packet, version);
    if (!remaining) return remaining.error();
    return 1 + variable_byte_integer_size(*remaining) + std::size_t{*remaining};
}

result<std::size_t> mqtt_codec::encode_into(const mqtt_packet& packet, protocol_version version,
                                            std::vector<std::byte>& out) {
    return append_packet(
        first_byte(packet), [&](wire_writer& writer) { write_body(writer, packet, version); }, 0, out);
}

result<std::vector<std::byte>> mqtt_codec::encode(const mqtt_packet& packet, protocol_version version) {
    std::vector<std::byte> out;
    auto size = encode_into(packet, version, out);
    if (!size) return size.error();
    return out;
}

result<std::size_t> mqtt_codec::encode_publish_into(const publish_packet& packet, std::size_t payload_after,
                                                    protocol_version version, std::vector<std::byte>& out) {
    return append_packet(
        publish_first_byte(packet), [&](wire_writer& writer) { detail::write_packet(writer, packet, version); },
        payload_after, out);
}

} // namespace gantry::protocols::mqtt
