#include <string>

#include "gantry/protocols/mqtt/topic_filter.hpp"
#include "packet_codecs.hpp"

namespace gantry::protocols::mqtt::detail {

namespace {

constexpr std::uint8_t no_local_bit = 0x04;
constexpr std::uint8_t retain_as_published_bit = 0x08;
constexpr unsigned retain_handling_shift = 4;

// A filter in 5.0 may be a shared subscription; before 5.0 "$share/..." is
// an ordinary filter.
std::string_view filter_problem(std::string_view filter, protocol_version version) {
    return topic_filter_problem(filter, version == protocol_version::v5);
}

void check_filter(wire_reader& reader, const std::string& filter, protocol_version version) {
    if (!reader.ok()) return;
    if (const auto problem = filter_problem(filter, version); !problem.empty()) {
        reader.fail_packet(mqtt_errc::invalid_topic_filter, reason_code::malformed_packet,
                           "topic filter '" + filter + "' " + std::string(problem));
    }
}

bool is_shared(std::string_view filter, protocol_version version) {
    if (version != protocol_version::v5) return false;
    const auto parsed = parse_topic_filter(filter);
    return parsed && parsed->shared();
}

subscription read_subscription(wire_reader& reader, protocol_version version) {
    subscription out;
    out.filter = reader.utf8("topic filter");
    const auto options = reader.u8("subscription options");
    check_filter(reader, out.filter, version);
    if (!reader.ok()) return out;
    const bool v5 = version == protocol_version::v5;
    const std::uint8_t reserved = v5 ? 0xC0 : 0xFC;
    if ((options & reserved) != 0) {
        reader.fail_packet(mqtt_errc::invalid_flags, reason_code::malformed_packet,
                           "reserved subscription option bits are set for '" + out.filter + "'");
        return out;
    }
    out.qos = options & 0x03;
    if (out.qos == 3) {
        reader.fail_packet(mqtt_errc::invalid_qos, reason_code::malformed_packet,
                           "asks for QoS 3 for '" + out.filter + "'");
        return out;
    }
    if (!v5) return out;
    out.no_local = (options & no_local_bit) != 0;
    out.retain_as_published = (options & retain_as_published_bit) != 0;
    const auto handling = (options >> retain_handling_shift) & 0x03;
    if (handling == 3) {
        reader.fail_packet(mqtt_errc::invalid_flags, reason_code::protocol_error,
                           "asks for retain handling 3 for '" + out.filter + "'");
        return out;
    }
    out.retain_handling = static_cast<retain_handling>(handling);
    if (out.no_local && is_shared(out.filter, version)) {
        reader.fail_packet(mqtt_errc::protocol_violation, reason_code::protocol_error,
                           "sets no local on shared subscription '" + out.filter + "'");
    }
    return out;
}

void fail_if_empty(wire_reader& reader, bool empty) {
    if (reader.ok() && empty) {
        reader.fail_packet(mqtt_errc::protocol_violation, reason_code::protocol_error, "has no topic filters");
    }
}

} // namespace

subscribe_packet read_subscribe(wire_reader& reader, protocol_version version) {
    subscribe_packet out;
    out.packet_id = reader.packet_id();
    if (version == protocol_version::v5) out.properties = read_properties(reader, property_context::subscribe);
    while (reader.ok() && !reader.at_end()) out.subscriptions.push_back(read_subscription(reader, version));
    fail_if_empty(reader, out.subscriptions.empty());
    return out;
}

unsubscribe_packet read_unsubscribe(wire_reader& reader, protocol_version version) {
    unsubscribe_packet out;
    out.packet_id = reader.packet_id();
    if (version == protocol_version::v5) out.properties = read_properties(reader, property_context::unsubscribe);
    while (reader.ok() && !reader.at_end()) {
        out.filters.push_back(reader.utf8("topic filter"));
        check_filter(reader, out.filters.back(), version);
    }
    fail_if_empty(reader, out.filters.empty());
    return out;
}

void write_packet(wire_writer& writer, const subscribe_packet& packet, protocol_version version) {
    if (packet.packet_id == 0) return writer.fail(mqtt_errc::invalid_packet_id);
    if (packet.subscriptions.empty()) return writer.fail(mqtt_errc::protocol_violation);
    const bool v5 = version == protocol_version::v5;
    writer.u16(packet.packet_id);
    if (v5) write_properties(writer, packet.properties, property_context::subscribe);
    for (const auto& sub : packet.subscriptions) {
        if (!filter_problem(sub.filter, version).empty()) return writer.fail(mqtt_errc::invalid_topic_filter);
        if (sub.qos > 2) return writer.fail(mqtt_errc::invalid_qos);
        auto options = sub.qos;
        if (v5) {
            const auto handling = static_cast<std::uint8_t>(sub.retain_handling);
            if (handling > 2) return writer.fail(mqtt_errc::invalid_flags);
            if (sub.no_local && is_shared(sub.filter, version)) return writer.fail(mqtt_errc::protocol_violation);
            if (sub.no_local) options |= no_local_bit;
            if (sub.retain_as_published) options |= retain_as_published_bit;
            options = static_cast<std::uint8_t>(options | (handling << retain_handling_shift));
        }
        writer.utf8(sub.filter);
        writer.u8(options);
    }
}

void write_packet(wire_writer& writer, const unsubscribe_packet& packet, protocol_version version) {
    if (packet.packet_id == 0) return writer.fail(mqtt_errc::invalid_packet_id);
    if (packet.filters.empty()) return writer.fail(mqtt_errc::protocol_violation);
    writer.u16(packet.packet_id);
    if (version == protocol_version::v5) write_properties(writer, packet.properties, property_context::unsubscribe);
    for (const auto& filter : packet.filters) {
        if (!filter_problem(filter, version).empty()) return writer.fail(mqtt_errc::invalid_topic_filter);
        writer.utf8(filter);
    }
}

} // namespace gantry::protocols::mqtt::detail
