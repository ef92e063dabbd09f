#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "gantry/engine/message.hpp"
#include "gantry/engine/result.hpp"
#include "gantry/store/message_record.hpp"

namespace gantry::core {

// The record property names the engine model uses. RocketMQ's own names
// where RocketMQ has the concept, so native clients see them; GANTRY_*
// otherwise (docs/message-model.md).
namespace header {
inline constexpr std::string_view deliver_at = "TIMER_DELIVER_MS";
inline constexpr std::string_view correlation_id = "CORRELATION_ID";
inline constexpr std::string_view expires_at = "GANTRY_EXPIRES_AT";
inline constexpr std::string_view priority = "GANTRY_PRIORITY";
inline constexpr std::string_view durable = "GANTRY_DURABLE";
inline constexpr std::string_view reply_to = "GANTRY_REPLY_TO";
inline constexpr std::string_view content_type = "GANTRY_CONTENT_TYPE";
inline constexpr std::string_view message_type = "GANTRY_TYPE"; // JMSType
// Set on retry and dead-letter copies: the topic the message was sent to.
inline constexpr std::string_view retry_topic = "RETRY_TOPIC";
// Marks a retained message (retained_store::retain): the record is also the
// retained message of its name, or, with an empty body, clears the name.
inline constexpr std::string_view retained = "GANTRY_RETAINED";
// An application property whose name the record format reserves travels
// under this prefix and comes back under its own name.
inline constexpr std::string_view escaped_prefix = "GANTRY_P_";
// The record format cannot hold an empty value (Java's parser drops it): an
// application property with one travels as GANTRY_E_<name> = "-".
inline constexpr std::string_view empty_prefix = "GANTRY_E_";
} // namespace header

// Whether `name` is a property name RocketMQ or Gantry sets itself.
bool is_reserved_property(std::string_view name);

// The property string of a record carrying `msg`. Fails when a name or value
// holds a byte the record format reserves (0x00, 0x01, 0x02) or the string
// would exceed 32767 bytes.
result<std::string> encode_properties(const engine::message& msg);

enum class body_placement {
    copied,   // into message::body, inflated when its producer compressed it
    in_place, // left in the record: message::body stays empty
};

// The message a record carries. A redelivered record (retry or dead-letter
// topic) reports the topic the message was first sent to. A compressed body
// (a RocketMQ producer's, sysFlag COMPRESSED) can only be copied.
engine::message decode_message(const store::decoded_record& record, body_placement body);

} // namespace gantry::core
