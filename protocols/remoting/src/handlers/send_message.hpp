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

// Batches (code 320, or 310 with the batch flag) are not built yet.
inline constexpr std::string_view batch_refused_remark = "batch sends are not supported yet";

// Stores one message from a send request whose header uses `keys`.
void send_with_keys(request_context ctx, const send_header_keys& keys);

} // namespace gantry::protocols::remoting::handlers
