#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gantry::protocols::mqtt {

// Response Information (5.0 §3.2.2.3.15), which a client that asks for it
// builds its response topics on: mqtt.responseTopicPrefix with each "%c"
// replaced by the client id, e.g. "responses/%c/" → "responses/dev-7/".

// Why `prefix` cannot be mqtt.responseTopicPrefix; none when it can (an
// empty prefix turns Response Information off). It must be a topic name
// holding "%c" after its first level, which is the engine topic
// (docs/protocol-mapping.md, "Topics"): all clients' responses share it
// rather than each client making an engine topic of its own.
std::optional<std::string> response_topic_prefix_problem(std::string_view prefix);

// The Response Information for `client_id`; none when `prefix` is empty or
// the client id cannot stand in a topic level ('/', '+' or '#' in it, as for
// the ACL's %c patterns), so that no client is handed a subtree of another's.
std::optional<std::string> response_information(std::string_view prefix, std::string_view client_id);

} // namespace gantry::protocols::mqtt
