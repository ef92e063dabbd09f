#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gantry::protocols::mqtt {

struct user_property {
    std::string name;
    std::string value;

    bool operator==(const user_property&) const = default;
};

// MQTT 5.0 properties (§2.2.2.2), one field per property identifier. Which
// packet may carry which is checked by the codec in both directions; 3.1.1
// packets ignore them on encode and decode none. The 0-or-1 "byte" properties
// stay bytes so that a decoded value is exactly what was on the wire.
struct properties {
    std::optional<std::uint8_t> payload_format_indicator;               // 0x01, 0 or 1
    std::optional<std::uint32_t> message_expiry_interval;               // 0x02
    std::optional<std::string> content_type;                            // 0x03
    std::optional<std::string> response_topic;                          // 0x08
    std::optional<std::vector<std::byte>> correlation_data;             // 0x09
    std::vector<std::uint32_t> subscription_identifiers;                // 0x0B, several only in PUBLISH
    std::optional<std::uint32_t> session_expiry_interval;               // 0x11
    std::optional<std::string> assigned_client_identifier;              // 0x12
    std::optional<std::uint16_t> server_keep_alive;                     // 0x13
    std::optional<std::string> authentication_method;                   // 0x15
    std::optional<std::vector<std::byte>> authentication_data;          // 0x16
    std::optional<std::uint8_t> request_problem_information;            // 0x17, 0 or 1
    std::optional<std::uint32_t> will_delay_interval;                   // 0x18
    std::optional<std::uint8_t> request_response_information;           // 0x19, 0 or 1
    std::optional<std::string> response_information;                    // 0x1A
    std::optional<std::string> server_reference;                        // 0x1C
    std::optional<std::string> reason_string;                           // 0x1F
    std::optional<std::uint16_t> receive_maximum;                       // 0x21, not 0
    std::optional<std::uint16_t> topic_alias_maximum;                   // 0x22
    std::optional<std::uint16_t> topic_alias;                           // 0x23, not 0
    std::optional<std::uint8_t> maximum_qos;                            // 0x24, 0 or 1
    std::optional<std::uint8_t> retain_available;                       // 0x25, 0 or 1
    std::vector<user_property> user_properties;                         // 0x26, order and duplicates kept
    std::optional<std::uint32_t> maximum_packet_size;                   // 0x27, not 0
    std::optional<std::uint8_t> wildcard_subscription_available;        // 0x28, 0 or 1
    std::optional<std::uint8_t> subscription_identifiers_available;     // 0x29, 0 or 1
    std::optional<std::uint8_t> shared_subscription_available;          // 0x2A, 0 or 1

    bool empty() const noexcept { return *this == properties{}; }
    bool operator==(const properties&) const = default;
};

} // namespace gantry::protocols::mqtt
