#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <system_error>

#include "gantry/engine/message.hpp"
#include "gantry/engine/result.hpp"

namespace gantry::protocols::naming {

// Why a hierarchical name has no engine form.
enum class naming_errc {
    topic_too_long = 1, // the first level is over 127 bytes once percent-encoded
    reserved_topic,     // the first level names a system topic of the engine
    invalid_wildcard,   // a wildcard in the first level, not a whole level, or outside a subscription
};

const std::error_category& naming_category() noexcept;

inline std::error_code make_error_code(naming_errc e) noexcept {
    return {static_cast<int>(e), naming_category()};
}

// Set to "1" on a message whose name ends in an empty level ("a/"): a record
// cannot carry an empty tag. The engine's MQTT filter reads it.
inline constexpr std::string_view trailing_level_property = "mqtt.trailing_level";

// Set by a bridge on a message it stored, to the bridge's name, so the bridge
// never sends it back; broker bookkeeping that no protocol hands a client.
inline constexpr std::string_view bridge_hop_property = "gantry.bridge";

// A hierarchical name as the engine stores it: `a/b/c` is engine topic `a`
// (percent-encoded) with tag `b/c` (docs/protocol-mapping.md, "Topics").
struct engine_address {
    std::string topic;
    std::string tag;              // empty: none (one level, or "a/")
    bool trailing_level = false;  // the name is "<first>/"
};

// The first level, percent-encoded: every byte outside [A-Za-z0-9_-] as %XX
// (upper-case hex), an empty level as "%".
std::string encode_first_level(std::string_view level);
// The inverse; a name that is not an encoding (a native topic) is itself.
std::string decode_first_level(std::string_view topic);
// The engine topic of a first level: encoded, at most 127 bytes, no system topic.
result<std::string> engine_topic_of(std::string_view first_level);

result<engine_address> to_engine_address(std::string_view name);

// A consumer group named by a protocol's terms: "<prefix>-<part>-<part>...",
// each part percent-encoded like a first level (its "%RETRY%" topic must be
// a valid topic name); a name over 100 bytes becomes the prefix, the first
// part cut to 40 bytes and a stable hash of all parts.
std::string group_name(std::string_view prefix, std::initializer_list<std::string_view> parts);
// The shared group every consumer of a point-to-point queue joins, whatever
// its protocol (STOMP /queue/x, AMQP queue://x): "GANTRY_QUEUE-<x>".
std::string queue_group(std::string_view queue_name);
// The durable group of a JMS-style durable topic subscription, named by its
// client id and subscription name: "GANTRY_DURABLE-<client>-<name>".
std::string durable_subscription_group(std::string_view client_id, std::string_view subscription_name);
// The hierarchical name a stored message is seen under ("a/t" for engine
// topic a and tag t, "a" without a tag).
std::string to_hierarchical_name(const engine::message& msg);

} // namespace gantry::protocols::naming

template <>
struct std::is_error_code_enum<gantry::protocols::naming::naming_errc> : std::true_type {};
