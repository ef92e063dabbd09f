#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "gantry/engine/result.hpp"
#include "gantry/protocols/remoting/remoting_error.hpp"
#include "queue_lock_table.hpp"

namespace gantry::protocols::remoting {

// LockBatchRequestBody / UnlockBatchRequestBody (spec 4.5).
struct lock_batch_request {
    std::string consumer_group;
    std::string client_id;
    std::vector<message_queue> queues;
};

// Parses the body (remoting_errc::malformed_body when it is not JSON or a
// member has an impossible type). As fastjson: unknown members (5.x's
// onlyThisBroker) are ignored, null counts as absent, queueId may be a
// numeric string.
result<lock_batch_request> parse_lock_batch_request(std::span<const std::byte> body);

// LockBatchResponseBody: {"lockOKMQSet":[{"brokerName":..,"queueId":..,"topic":..}]},
// compact, keys alphabetical, as fastjson writes it.
std::string lock_ok_json(const std::vector<message_queue>& queues);

} // namespace gantry::protocols::remoting
