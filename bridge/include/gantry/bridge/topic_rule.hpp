#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gantry::bridge {

enum class direction { out, in, both };

// One topic line of a bridge, in Mosquitto's model:
//   pattern [out|in|both [qos [local-prefix [remote-prefix]]]]
// A local message on `local_prefix + X` (X matching `pattern`) goes to the
// remote as `remote_prefix + X`, and the reverse for messages coming in.
struct topic_rule {
    std::string pattern;
    bridge::direction direction = direction::out;
    std::uint8_t qos = 0; // the most the link carries; a message keeps a lower QoS of its own
    std::string local_prefix;
    std::string remote_prefix;

    bool sends() const noexcept { return direction != direction::in; }
    bool receives() const noexcept { return direction != direction::out; }
    std::string local_filter() const { return local_prefix + pattern; }
    std::string remote_filter() const { return remote_prefix + pattern; }

    // The remote name of a local topic this rule sends, or nothing.
    std::optional<std::string> to_remote(std::string_view local_topic) const;
    // The local name of a remote topic this rule receives, or nothing.
    std::optional<std::string> to_local(std::string_view remote_topic) const;

    bool operator==(const topic_rule&) const = default;
};

// Parses one topic line; the error says what is wrong with it ("qos must be
// 0, 1 or 2, got '3'").
struct topic_rule_result {
    std::optional<topic_rule> rule;
    std::string error;
};
topic_rule_result parse_topic_rule(std::string_view line);

} // namespace gantry::bridge
