#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "command_context.hpp"
#include "gantry/protocols/remoting/client/pull_consumer.hpp"

namespace gantry::tools {

// A time given on the command line: milliseconds since the epoch, or UTC as
// "2026-11-21T08:00:00Z" (the Z may be left out). nullopt: neither.
std::optional<std::int64_t> parse_time_ms(const std::string& text);

// Where reading each queue starts: "first", "last", "committed" (the group's
// offset, the first message where it has none) or a time as above.
std::map<client::message_queue, std::int64_t> start_offsets(command_context& ctx, client::pull_consumer& reader,
                                                            const std::vector<client::message_queue>& queues,
                                                            const std::string& from);

} // namespace gantry::tools
