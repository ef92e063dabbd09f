#pragma once

#include <string_view>

// MQTT-style matching on '/'-separated names, as ACL rules use it. A '+'
// level matches one level, a '#' last level the rest (zero or more levels),
// and neither matches a first level starting with '$' ($SYS/... is reached
// only by rules that spell the '$' level out).
namespace gantry::security::topic_filter {

// A name to publish to or receive from: non-empty, no wildcard.
bool valid_name(std::string_view topic);
// A subscription filter or rule: non-empty; '+' and '#' only as a whole
// level, '#' only as the last one.
bool valid_filter(std::string_view filter);

// Every name `filter` matches is matched by `rule` (for a name: `rule`
// matches it).
bool covers(std::string_view rule, std::string_view filter);
// Some name is matched by both filters.
bool overlap(std::string_view a, std::string_view b);

} // namespace gantry::security::topic_filter
