#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "gantry/engine/message.hpp"
#include "gantry/engine/result.hpp"
#include "gantry/protocols/naming/topic_names.hpp"
#include "gantry/protocols/mqtt/publish_packet.hpp"
#include "gantry/protocols/mqtt/reason_code.hpp"

namespace gantry::protocols::mqtt {

// Namespaced record properties the module writes (docs/protocol-mapping.md).
namespace mqtt_property {
inline constexpr std::string_view qos = "mqtt.qos";                       // the publish QoS, "0".."2"
inline constexpr std::string_view client_id = "mqtt.client_id";           // the publisher, for no-local
inline constexpr std::string_view payload_format = "mqtt.payload_format"; // 5.0 Payload Format Indicator
inline constexpr std::string_view retain = "mqtt.retain";                 // "1": published with RETAIN
inline constexpr std::string_view trailing_level = naming::trailing_level_property; // "1": topic "<first>/"
inline constexpr std::string_view correlation_hex = "mqtt.correlation_data_hex"; // binary correlation data
// A user property whose name starts with "mqtt." travels under this prefix.
inline constexpr std::string_view user_prefix = "mqtt.user.";
} // namespace mqtt_property

// Engine fields MQTT has no place for travel as 5.0 User Properties of these
// names both ways, so a message another protocol sent keeps them through an
// MQTT client that publishes it again (docs/protocol-mapping.md).
namespace field_property {
inline constexpr std::string_view priority = "gantry.priority"; // "0".."9"
inline constexpr std::string_view durable = "gantry.durable";   // "false": sent only when not durable
inline constexpr std::string_view type = "gantry.type";         // JMSType
} // namespace field_property

// MQTT topic names are the engine's hierarchical names (gantry::topic_names).
using naming::decode_first_level;
using naming::encode_first_level;
using naming::engine_address;
using naming::to_engine_address;

// An MQTT subscription filter as the engine reads it: the engine topic of a
// literal first level, or every topic for a wildcard there ("#", "+/x");
// the filter_language::mqtt text (the levels after the first); and the
// whole filter in the engine's name form for the retained store (the first
// level as the engine topic, the rest as written, "a/" kept distinct).
struct engine_filter {
    std::string topic; // empty when every_topic
    bool every_topic = false;
    std::string remainder;
    std::string retained;
};

// The engine consumer group of the shared subscription "$share/<name>/<filter>":
// both parts percent-encoded the same way (the group's %RETRY% topic must be
// a valid topic name), a long pair replaced by its hash.
std::string shared_group_name(std::string_view share_name, std::string_view filter);

result<engine_filter> to_engine_filter(std::string_view mqtt_filter);

// PUBLISH (or a will) → engine message, with the topic already resolved
// (aliases) and mapped. The payload moves into the body.
engine::message to_engine_message(publish_packet publish, const engine_address& address,
                                  std::string_view client_id, std::int64_t now_ms);

// Whether a mapped message was published with RETAIN (mqtt.retain).
bool published_with_retain(const engine::message& msg) noexcept;
// The publish QoS (mqtt.qos; 1 for a message that did not come over MQTT)
// and the publisher's client id (empty when not over MQTT), read in place:
// what a session decides before it maps a delivery.
std::uint8_t published_qos(const engine::message& msg) noexcept;
std::string_view published_by(const engine::message& msg) noexcept;

// What a subscriber receives: topic, payload, the publisher's QoS and 5.0
// properties (the remaining expiry, user properties in order). `qos` is the
// publish QoS (1 for a message that did not come over MQTT); the publisher
// is read in place (published_by).
struct outbound_message {
    publish_packet publish;
    std::uint8_t qos = 1;
    bool retain = false; // published with RETAIN (for Retain As Published)
};
// now_ms counts the message expiry down; unused when the message has none.
outbound_message from_engine_message(const engine::message& msg, std::int64_t now_ms);

// A Payload Format Indicator of 1 goes out only with a payload that is
// UTF-8, so no subscriber or remote broker is told that bytes are text
// (5.0 §3.3.2.3.2 lets the receiver refuse them with 0x99). What an MQTT
// client published here always passes, as [MQTT-3.3.2-4] wants its
// indicator forwarded unaltered: a payload contradicting it was refused at
// PUBLISH. Another protocol's mqtt.payload_format, or a bridged remote's
// indicator, was not checked on the way in. Returns what is wrong with the
// payload when the indicator is dropped, empty otherwise.
std::string_view drop_false_payload_format(properties& props, std::span<const std::byte> payload) noexcept;

// The reason code of a PUBACK / PUBREC for a failed append (one PUBACK allows).
reason_code append_failure_reason(std::error_code error) noexcept;

} // namespace gantry::protocols::mqtt
