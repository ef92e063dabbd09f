#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gantry::store {

// The property string of a record (specs §3.3): name 0x01 value 0x02 ...
// Parsing follows Java's rule, so tolerated input (trailing separators,
// empty values, fragments without a name) is skipped the same way.
inline constexpr char name_value_separator = '\x01';
inline constexpr char property_separator = '\x02';

namespace property {
inline constexpr std::string_view tags = "TAGS";
inline constexpr std::string_view keys = "KEYS";
inline constexpr std::string_view unique_key = "UNIQ_KEY";
inline constexpr std::string_view delay_level = "DELAY";
inline constexpr std::string_view real_topic = "REAL_TOPIC";
inline constexpr std::string_view real_queue_id = "REAL_QID";
} // namespace property

// Delayed records wait in this topic, queue = level - 1 (specs §6.1).
inline constexpr std::string_view schedule_topic = "SCHEDULE_TOPIC_XXXX";

// Calls f(name, value) for every well-formed property in order.
template <typename F>
void for_each_property(std::string_view properties, F&& f) {
    while (!properties.empty()) {
        const auto end = properties.find(property_separator);
        const auto item = properties.substr(0, end);
        const auto sep = item.find(name_value_separator);
        if (item.size() >= 3 && sep != std::string_view::npos && sep != 0 && sep != item.size() - 1)
            f(item.substr(0, sep), item.substr(sep + 1));
        if (end == std::string_view::npos) break;
        properties.remove_prefix(end + 1);
    }
}

// The value of the first property named `name`.
std::optional<std::string_view> find_property(std::string_view properties, std::string_view name);

// Appends name=value to an encoded property string.
void append_property(std::string& properties, std::string_view name, std::string_view value);

} // namespace gantry::store
