#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace gantry::broker {

struct broker_config;

// A value as written in gantry.toml or on the command line.
using config_value = std::variant<bool, std::int64_t, std::string>;

enum class value_type { boolean, integer, string };

// Why a value was refused, worded to follow the key's name ("must be
// ASYNC_FLUSH or SYNC_FLUSH, got 'X'"); nullopt when it was taken.
using config_problem = std::optional<std::string>;

// One configuration key: all that the TOML reader, the command line, --help
// and the start-up log need to know about it, written once. Build keys with
// the helpers in key_builders.hpp.
struct config_key {
    std::string name; // RocketMQ's broker.conf name where the concept exists
    value_type type = value_type::string;
    std::string hint;  // the value as --help shows it: INT, BOOL, ASYNC_FLUSH|SYNC_FLUSH
    std::string help;  // one line
    std::string group; // --help section; set by config_registry::add
    // Validates a value of `type` and stores it in the configuration.
    std::function<config_problem(broker_config&, const config_value&)> apply;
    // The key's current value; on a default-constructed broker_config, its default.
    std::function<config_value(const broker_config&)> read;
};

// "an integer", "true or false", "a string": what a key of this type takes.
std::string_view expected_text(value_type type) noexcept;

// The value as gantry.toml would spell it, for messages: 42, true, "text".
std::string to_toml_text(const config_value& value);

// The value as typed on the command line: 42, true, text.
std::string to_plain_text(const config_value& value);

} // namespace gantry::broker
