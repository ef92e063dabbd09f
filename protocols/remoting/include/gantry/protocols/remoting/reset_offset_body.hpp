#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/engine/result.hpp"

// ResetOffsetBody (spec 2.4.20, 4.5): the offsets an INVOKE_BROKER_TO_RESET_OFFSET
// computed, as the broker answers the admin and tells each consumer in
// RESET_CONSUMER_CLIENT_OFFSET.
namespace gantry::protocols::remoting {

// One MessageQueue and its new offset.
struct queue_offset {
    std::string topic;
    std::string broker_name;
    std::int32_t queue_id = 0;
    std::int64_t offset = 0;

    bool operator==(const queue_offset&) const = default;
};

// Java's and Go's form, as fastjson writes a map with MessageQueue keys:
// {"offsetTable":{{"brokerName":"b","queueId":0,"topic":"t"}:123,...}} —
// object keys, so not JSON (Go reads it by splitting the text).
std::string reset_offset_body(const std::vector<queue_offset>& offsets);
// ResetOffsetBodyForC, what the C++ client reads:
// {"offsetTable":[{"brokerName":"b","offset":123,"queueId":0,"topic":"t"},...]}.
std::string reset_offset_body_for_c(const std::vector<queue_offset>& offsets);

// Either form read back, in the order written; remoting_errc::malformed_body
// otherwise.
result<std::vector<queue_offset>> parse_reset_offset_body(std::string_view text);
result<std::vector<queue_offset>> parse_reset_offset_body(std::span<const std::byte> body);

} // namespace gantry::protocols::remoting
