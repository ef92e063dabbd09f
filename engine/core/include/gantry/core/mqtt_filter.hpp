#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gantry::core {

// The '/'-separated levels of a topic name or filter, empty ones included
// ("a//b" has three). Views into `text`.
std::vector<std::string_view> topic_levels(std::string_view text);

// filter_language::mqtt: an MQTT topic filter within one engine topic. An
// MQTT topic `a/b/c` lies in engine topic `a` with tag `b/c` (DESIGN.md), so
// the filter text is what follows the filter's first level: "" for the
// one-level topic itself, "+/c", "#", "b/#". It is matched level by level
// against the record's tag with MQTT's rules: '+' is one level (possibly
// empty), '#' the rest including none, so "#" also matches the topic `a`.
class mqtt_filter {
public:
    // The record property that marks a topic whose only level after the
    // first is empty ("a/"): its tag cannot be empty, so it has none and
    // carries this property instead (docs/protocol-mapping.md).
    static constexpr std::string_view trailing_level_property = "mqtt.trailing_level";

    // Why `text` is not a filter remainder ('#' not alone in the last level,
    // '+' not alone in its level); nothing when it is.
    static std::optional<std::string> problem(std::string_view text);

    // `text` must be valid (problem() is empty).
    explicit mqtt_filter(std::string_view text);

    bool matches_all() const noexcept { return levels_.size() == 1 && levels_.front() == "#"; }

    // `rest`: the topic's levels after the first, joined by '/', or nothing
    // when the topic has one level.
    bool matches(std::optional<std::string_view> rest) const noexcept;

private:
    std::vector<std::string> levels_; // empty: only the one-level topic
};

} // namespace gantry::core
