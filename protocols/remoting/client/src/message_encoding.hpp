#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "gantry/engine/result.hpp"
#include "gantry/protocols/remoting/client/message.hpp"

namespace gantry::protocols::remoting::client {

// The property string a send carries for `m` (specs §3.3): the
// application's properties, then TAGS, KEYS, DELAY, UNIQ_KEY and WAIT.
std::string encode_properties(const message& m, std::string_view unique_key);

// The stored records of a pull, query or view body, decoded; `broker_name`
// is the broker they came from. A body that is not a run of whole,
// well-formed records fails with malformed_response.
result<std::vector<received_message>> decode_records(std::span<const std::byte> body, const std::string& broker_name);

} // namespace gantry::protocols::remoting::client
