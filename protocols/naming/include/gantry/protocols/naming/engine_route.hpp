#pragma once

#include <string>
#include <string_view>

#include "gantry/engine/message.hpp"
#include "gantry/engine/result.hpp"

namespace gantry::protocols::naming {

// How a protocol writes a hierarchical destination name: the level
// separator and its one-level and multi-level wildcards. MQTT's is
// "a/+/#"; STOMP's ActiveMQ-style "a.*.>" (the separator is configurable).
struct name_syntax {
    char separator = '/';
    char one_level = '+';
    char multi_level = '#';
};
inline constexpr name_syntax mqtt_syntax{'/', '+', '#'};

// Where a destination name lies in the engine: the topic (its first level,
// percent-encoded), and the rest as an MQTT filter over the tag ("" for a
// one-level name; "+" and "#" where the name used wildcards).
struct engine_route {
    std::string topic;
    std::string remainder;
    bool wildcard = false;
    bool trailing_level = false; // the name ends in an empty level ("a/")

    // The name in MQTT form ("a/b/+"), as the ACL reads it.
    std::string hierarchical_name() const;
    // Addresses `msg` to this (wildcard-free) route: topic, tag, and the
    // property that marks a trailing empty level.
    void address(engine::message& msg) const;
};

// `name` written in `syntax`: "sensors.room1" with separator '.' is the MQTT
// topic "sensors/room1", engine topic "sensors" with tag "room1". Wildcards
// are whole levels after the first, and only where `subscribing`
// (naming_errc::invalid_wildcard otherwise).
result<engine_route> to_engine_route(std::string_view name, name_syntax syntax, bool subscribing);

} // namespace gantry::protocols::naming
