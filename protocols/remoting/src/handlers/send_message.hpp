#pragma once

#include <string_view>

#include "../request_context.hpp"

namespace gantry::protocols::remoting::handlers {

// The send header's field names: SEND_MESSAGE spells them out, SEND_MESSAGE_V2
// uses single letters (spec 2.4.1); both mean the same send.
struct send_header_keys {
    std::string_view producer_group;
    std::string_view topic;
    std::string_view default_topic;
    std::string_view default_topic_queue_nums;
    std::string_view queue_id;
    std::string_view sys_flag;
    std::string_view born_timestamp;
    std::string_view flag;
    std::string_view properties;
    std::string_view reconsume_times;
    std::string_view batch;
};

// SEND_MESSAGE_V2's keys, which SEND_BATCH_MESSAGE uses too.
inline constexpr send_header_keys short_keys{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "m"};

// Stores one message from a send request whose header uses `keys`, or every
// message of its batch body when `batch_request` or the header's batch flag
// says so.
void send_with_keys(request_context ctx, const send_header_keys& keys, bool batch_request = false);

// Stores the entries of the request's batch body (spec 3.4); `header` holds
// the request header's fields (topic, queue, sysFlag, born time and host,
// properties including CLUSTER) that every entry shares.
void send_batch(request_context ctx, engine::record_append header);

} // namespace gantry::protocols::remoting::handlers
