#pragma once

#include <optional>
#include <string_view>

namespace gantry::protocols::mqtt {

// A 5.0 subscription filter split into its parts (§4.8.2). Both views point
// into the text that was parsed.
struct topic_filter {
    std::string_view share_name;  // empty unless "$share/<name>/<filter>"
    std::string_view filter;      // the filter proper

    bool shared() const noexcept { return !share_name.empty(); }
};

// A PUBLISH / will topic name (§4.7): a valid MQTT string of 1..65535 bytes
// without '+' or '#'.
bool valid_topic_name(std::string_view name) noexcept;

// A plain topic filter: a valid MQTT string of 1..65535 bytes where '+' fills
// a whole level and '#' is the whole last level. "$share/..." is not
// interpreted (as in 3.1.1).
bool valid_topic_filter(std::string_view filter) noexcept;

// A 5.0 subscription filter: "$share/<name>/<filter>", where the share name
// is at least one character without '/', '+' or '#' and the filter is a
// valid plain filter, or else a valid plain filter. nullopt when invalid.
std::optional<topic_filter> parse_topic_filter(std::string_view text) noexcept;

// Why a topic name or filter is invalid, or empty when it is valid; the
// sentence completes "topic name ..." / "topic filter ...".
std::string_view topic_name_problem(std::string_view name) noexcept;
std::string_view topic_filter_problem(std::string_view filter, bool shared_syntax) noexcept;

// Whether topic name `name` matches the valid plain filter `filter` (§4.7):
// '+' one level, '#' the rest (also none: "a/#" matches "a"); a wildcard in
// the first level does not match a name starting with '$' (§4.7.2).
bool topic_matches(std::string_view filter, std::string_view name) noexcept;

} // namespace gantry::protocols::mqtt
