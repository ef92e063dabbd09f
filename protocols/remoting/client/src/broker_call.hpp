#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "gantry/protocols/remoting/client/client_runtime.hpp"

namespace gantry::protocols::remoting::client {

// Sends `request` to the master of the broker holding `queue` (found through
// the topic's route).
void invoke_broker(client_runtime& runtime, const message_queue& queue, remoting_command request,
                   client_runtime::response_handler done,
                   std::optional<std::chrono::milliseconds> timeout = std::nullopt);

// A response whose code is not SUCCESS becomes response_error(code).
result<remoting_command> expect_success(result<remoting_command> response);

// A numeric ext field of a response; malformed_response when absent or not a number.
result<std::int64_t> response_long(const remoting_command& response, std::string_view key);

} // namespace gantry::protocols::remoting::client
