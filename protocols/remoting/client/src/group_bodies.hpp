#pragma once

#include <set>
#include <span>
#include <string>
#include <vector>

#include "gantry/engine/result.hpp"
#include "gantry/protocols/remoting/client/topic_route.hpp"
#include "gantry/protocols/remoting/remoting_command.hpp"

namespace gantry::protocols::remoting::client {

// The JSON bodies of a consumer group's requests (spec 4.5), compact with
// sorted keys as fastjson writes them.

// LockBatchRequestBody / UnlockBatchRequestBody.
std::string lock_batch_json(const std::string& client_id, const std::string& group,
                            const std::vector<message_queue>& queues);
// LockBatchResponseBody's lockOKMQSet.
result<std::set<message_queue>> parse_lock_ok(std::span<const std::byte> body);
// GetConsumerListByGroupResponseBody's consumerIdList.
result<std::vector<std::string>> parse_consumer_list(std::span<const std::byte> body);

void set_body(remoting_command& command, const std::string& text);

} // namespace gantry::protocols::remoting::client
