#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/broker/broker_config.hpp"
#include "gantry/broker/config_key.hpp"

namespace gantry::broker {

// Runs once every source has been applied: derives settings that depend on
// several keys and checks combinations of keys. Returns the problem as a full
// sentence naming the keys involved.
using config_finisher = std::function<config_problem(broker_config&)>;

// The keys gantryd understands. The same registry drives the TOML reader,
// the command-line options, --help, validation and unknown-key detection,
// so a module adds its settings by registering keys and nothing else.
class config_registry {
public:
    // Adds a key under a --help group. Names are unique; registering one
    // twice is a programming error and aborts.
    void add(std::string group, config_key key);
    void add_finisher(config_finisher finisher);

    const std::vector<config_key>& keys() const noexcept { return keys_; }
    const config_key* find(std::string_view name) const noexcept;
    // The registered name a mistyped one most likely meant, if any is close.
    std::optional<std::string> nearest(std::string_view name) const;

    // Applies one value. `where` completes the error message: "in
    // conf/gantry.toml:12" or "on the command line". Throws startup_error
    // for an unknown key, a value of the wrong type or an unacceptable value.
    void apply(broker_config& config, std::string_view name, const config_value& value, std::string_view where) const;
    // Applies a value typed as text (the command line), converted by the
    // key's type.
    void apply_text(broker_config& config, std::string_view name, std::string_view text, std::string_view where) const;
    // Runs the finishers in registration order; throws startup_error.
    void finish(broker_config& config) const;

    // Throws the startup_error for a name no key has, with a suggestion.
    [[noreturn]] void throw_unknown(std::string_view name, std::string_view where) const;
    // Throws the startup_error for a value of the wrong type; `found`
    // describes it ("a float (1.5)").
    [[noreturn]] static void throw_wrong_type(const config_key& key, std::string_view found, std::string_view where);

private:
    std::vector<config_key> keys_;
    std::vector<config_finisher> finishers_;
};

} // namespace gantry::broker
