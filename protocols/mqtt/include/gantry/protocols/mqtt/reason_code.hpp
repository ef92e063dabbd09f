#pragma once

#include <cstdint>
#include <optional>

#include "gantry/protocols/mqtt/packet_type.hpp"

namespace gantry::protocols::mqtt {

// MQTT 5.0 reason codes (§2.4). Values below 0x80 report success, the others
// failure. 3.1.1 CONNACK return codes travel as their 5.0 counterparts (see
// to_v3_connack_code), and 3.1.1 SUBACK return codes 0, 1, 2 and 0x80 have
// the same values here.
enum class reason_code : std::uint8_t {
    success = 0x00,
    normal_disconnection = 0x00,
    granted_qos_0 = 0x00,
    granted_qos_1 = 0x01,
    granted_qos_2 = 0x02,
    disconnect_with_will_message = 0x04,
    no_matching_subscribers = 0x10,
    no_subscription_existed = 0x11,
    continue_authentication = 0x18,
    re_authenticate = 0x19,
    unspecified_error = 0x80,
    malformed_packet = 0x81,
    protocol_error = 0x82,
    implementation_specific_error = 0x83,
    unsupported_protocol_version = 0x84,
    client_identifier_not_valid = 0x85,
    bad_user_name_or_password = 0x86,
    not_authorized = 0x87,
    server_unavailable = 0x88,
    server_busy = 0x89,
    banned = 0x8A,
    server_shutting_down = 0x8B,
    bad_authentication_method = 0x8C,
    keep_alive_timeout = 0x8D,
    session_taken_over = 0x8E,
    topic_filter_invalid = 0x8F,
    topic_name_invalid = 0x90,
    packet_identifier_in_use = 0x91,
    packet_identifier_not_found = 0x92,
    receive_maximum_exceeded = 0x93,
    topic_alias_invalid = 0x94,
    packet_too_large = 0x95,
    message_rate_too_high = 0x96,
    quota_exceeded = 0x97,
    administrative_action = 0x98,
    payload_format_invalid = 0x99,
    retain_not_supported = 0x9A,
    qos_not_supported = 0x9B,
    use_another_server = 0x9C,
    server_moved = 0x9D,
    shared_subscriptions_not_supported = 0x9E,
    connection_rate_exceeded = 0x9F,
    maximum_connect_time = 0xA0,
    subscription_identifiers_not_supported = 0xA1,
    wildcard_subscriptions_not_supported = 0xA2,
};

// Whether 5.0 allows `code` in a packet of `type` (§2.4 table 2-6). Packets
// without a reason code (CONNECT, PUBLISH, SUBSCRIBE, UNSUBSCRIBE, PINGREQ,
// PINGRESP) allow none.
bool reason_code_allowed(packet_type type, reason_code code) noexcept;

// The 3.1.1 CONNACK return code (§3.2.2.3) for a refusal, or nullopt when
// 3.1.1 has none and the server just closes the connection (e.g. malformed
// packets). Server busy maps to 3 (server unavailable), banned to 5 (not
// authorized).
std::optional<std::uint8_t> to_v3_connack_code(reason_code code) noexcept;

// A 3.1/3.1.1 CONNACK return code 0..5 as its 5.0 reason code; others are
// reserved.
std::optional<reason_code> from_v3_connack_code(std::uint8_t code) noexcept;

} // namespace gantry::protocols::mqtt
