#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gantry/core/message_codec.hpp"
#include "gantry/store/message_record.hpp"

namespace gantry::core {

// Properties a redelivered record carries (specs §3.7), so the original
// stays known however often it travels.
namespace redelivery_property {
inline constexpr std::string_view retry_topic = header::retry_topic;      // the topic it was first sent to
inline constexpr std::string_view origin_message_id = "ORIGIN_MESSAGE_ID"; // its first message id
inline constexpr std::string_view origin_queue_id = "GANTRY_ORIGIN_QID";   // its first queue
inline constexpr std::string_view dlq_origin_topic = "DLQ_ORIGIN_TOPIC";
inline constexpr std::string_view dlq_origin_message_id = "DLQ_ORIGIN_MESSAGE_ID";
} // namespace redelivery_property

// A copy of a delivered record bound for the group's retry or dead-letter
// topic; owns the strings the message_to_store points into.
struct redelivered_record {
    std::string topic;
    std::string properties;
    store::message_to_store msg;
};

// Where the message first came from, given the record being redelivered
// and the offset message id of that record.
struct message_origin {
    std::string topic;
    std::string message_id;
    std::int32_t queue_id = 0;
};
message_origin origin_of(const store::decoded_record& record, std::string_view offset_message_id);

// The record to append for another delivery attempt (queue 0 of
// %RETRY%<group>, reconsume times + 1).
redelivered_record retry_copy(const store::decoded_record& record, const message_origin& origin,
                              std::string_view group);
// The record to append when the group gives up (queue 0 of %DLQ%<group>).
redelivered_record dead_letter_copy(const store::decoded_record& record, const message_origin& origin,
                                    std::string_view group);

} // namespace gantry::core
