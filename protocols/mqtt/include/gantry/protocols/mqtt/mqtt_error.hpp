#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>

#include "gantry/protocols/mqtt/packet_type.hpp"
#include "gantry/protocols/mqtt/protocol_version.hpp"
#include "gantry/protocols/mqtt/reason_code.hpp"

namespace gantry::protocols::mqtt {

// Why the MQTT codec refused bytes or a packet. New values go at the end and
// existing ones are never renumbered.
enum class mqtt_errc {
    packet_too_large = 1,        // over the configured maximum packet size (decode) or 268435455 (encode)
    malformed_variable_byte_integer,  // a remaining length, property length or subscription identifier over four bytes
    reserved_packet_type,        // type 0, or 15 (AUTH) before 5.0
    invalid_flags,               // reserved bits set: fixed header, CONNECT/CONNACK flags, subscription options
    truncated,                   // a field runs past the end of the packet
    trailing_bytes,              // bytes after the last field of a packet without a payload
    invalid_utf8,                // ill-formed UTF-8, a surrogate or U+0000 in a string
    invalid_topic_name,          // empty or with wildcards
    invalid_topic_filter,        // empty, misplaced wildcards, bad shared-subscription syntax
    invalid_qos,                 // QoS 3
    invalid_packet_id,           // 0 where a packet identifier is required
    unsupported_protocol,        // CONNECT protocol name or level other than 3.1, 3.1.1, 5.0
    unknown_property,            // a property identifier 5.0 does not define
    property_not_allowed,        // a property this packet may not carry
    duplicate_property,          // a property that may appear once appears again
    invalid_property_value,      // e.g. Receive Maximum 0, a 0-or-1 byte that is 2
    invalid_reason_code,         // a reason or return code the packet may not carry
    protocol_violation,          // other rules: no subscriptions, password without user name, ...
    value_too_large,             // encode: a string or binary field over 65535 bytes, an integer out of range
    not_in_version,              // encode: a packet or value the chosen version cannot carry
};

const std::error_category& mqtt_category() noexcept;

inline std::error_code make_error_code(mqtt_errc e) noexcept {
    return {static_cast<int>(e), mqtt_category()};
}

// A decode failure as the session acts on it: `reason` is what a 5.0
// DISCONNECT (or, for a CONNECT, the CONNACK) carries; `message` is the
// operator's sentence, e.g. "PUBLISH topic name contains '+' (wildcards are
// not allowed in topic names)".
struct mqtt_diagnostic {
    std::error_code code;
    reason_code reason = reason_code::success;
    std::string message;
    std::optional<packet_type> packet;  // known once the first byte arrived
    // The version to answer in: a CONNECT's own level once it was read,
    // otherwise the version decode was called with.
    protocol_version version = protocol_version::v5;

    // The CONNACK code to send before closing, when the failed packet is a
    // CONNECT and the version has one: e.g. an unknown protocol level gives
    // 0x84 for 5.0 and 0x01 for 3.1.1; a malformed 3.1.1 CONNECT gives none.
    std::optional<std::uint8_t> connack_code() const noexcept;
};

} // namespace gantry::protocols::mqtt

template <>
struct std::is_error_code_enum<gantry::protocols::mqtt::mqtt_errc> : std::true_type {};
