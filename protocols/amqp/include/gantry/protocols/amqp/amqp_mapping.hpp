#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "gantry/engine/message.hpp"
#include "gantry/engine/result.hpp"

namespace gantry::protocols::amqp {

// Why the sections of a transfer have no engine form.
enum class mapping_errc {
    malformed = 1,    // the bytes are not a sequence of AMQP message sections
    unknown_section,  // a described type that is no message section, or sections out of order
    invalid_property, // a value the engine cannot store (bytes 0x00-0x02, a name reserved for this mapping)
};

const std::error_category& mapping_category() noexcept;

inline std::error_code make_error_code(mapping_errc e) noexcept {
    return {static_cast<int>(e), mapping_category()};
}

// What an AMQP message keeps in msg.properties besides its application
// properties, so that it leaves the broker with the types it arrived with.
inline constexpr std::string_view body_property = "amqp.body"; // none, value-string, value-binary, value-null, encoded
inline constexpr std::string_view annotation_prefix = "amqp.annotation.";
inline constexpr std::string_view type_prefix = "amqp.type."; // + the name of the property whose AMQP type it records
inline constexpr std::string_view message_id_type_property = "amqp.message_id_type";
inline constexpr std::string_view correlation_id_type_property = "amqp.correlation_id_type";
inline constexpr std::string_view user_id_property = "amqp.user_id";
inline constexpr std::string_view user_id_type_property = "amqp.user_id_type";
inline constexpr std::string_view to_property = "amqp.to";
inline constexpr std::string_view subject_property = "amqp.subject";
inline constexpr std::string_view content_encoding_property = "amqp.content_encoding";
inline constexpr std::string_view reply_to_group_id_property = "amqp.reply_to_group_id";
inline constexpr std::string_view group_id_property = "JMSXGroupID";
inline constexpr std::string_view group_sequence_property = "JMSXGroupSeq";

// A name this mapping keeps for itself: never an application property of an
// AMQP message, in either direction.
bool is_mapping_property(std::string_view name) noexcept;

// An AMQP message as a transfer carries it (all frames joined): its sections,
// decoded into the engine's model. topic and tag are left empty (the session
// routes by link address). now_ms resolves relative times (ttl,
// x-opt-delivery-delay).
result<engine::message> decode_message(std::span<const std::byte> encoded, std::int64_t now_ms);

// The engine message as the encoded sections of an AMQP message, appended to
// `out`. delivery_count: the header's delivery-count (deliveries that failed
// before this one).
void encode_message(const engine::message& msg, std::uint32_t delivery_count, std::int64_t now_ms, std::string& out);

} // namespace gantry::protocols::amqp

template <>
struct std::is_error_code_enum<gantry::protocols::amqp::mapping_errc> : std::true_type {};
