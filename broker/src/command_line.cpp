#include "gantry/broker/command_line.hpp"

#include <deque>
#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "gantry/broker/startup_error.hpp"

namespace gantry::broker {

namespace {

constexpr std::string_view on_command_line = "on the command line";

// The first argument CLI11 could not place, as an operator-facing error.
[[noreturn]] void throw_leftover(const config_registry& registry, const std::string& argument) {
    if (argument.starts_with("-") && argument.find_first_not_of('-') != std::string::npos) {
        auto name = std::string_view(argument).substr(argument.find_first_not_of('-'));
        name = name.substr(0, name.find('='));
        registry.throw_unknown(name, on_command_line);
    }
    throw startup_error(
        fmt::format("unexpected argument '{}' {}: settings are given as --<key> <value>", argument, on_command_line));
}

} // namespace

std::variant<launch_options, int> parse_command_line(const config_registry& registry, int argc, const char* const* argv,
                                                     std::ostream& out) {
    CLI::App app{"Gantry message broker. Settings come from the embedded defaults, then the configuration\n"
                 "file, then the command line; conf/gantry.toml documents every key.",
                 "gantryd"};
    app.set_version_flag("--version", "gantryd " GANTRY_VERSION);
    // Unknown options are reported by the registry, which can suggest a key.
    app.allow_extras();

    std::string config_file;
    app.add_option("-c,--config", config_file, "Configuration file (TOML); without one the embedded defaults apply")
        ->type_name("FILE");

    // One option per key, named exactly like the key in gantry.toml.
    std::deque<std::string> values; // stable addresses for CLI11 to write into
    std::vector<std::pair<const config_key*, CLI::Option*>> options;
    const broker_config defaults;
    for (const auto& key : registry.keys()) {
        auto* option = app.add_option("--" + key.name, values.emplace_back(), key.help)
                           ->type_name(key.hint)
                           ->default_str(to_plain_text(key.read(defaults)))
                           ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
                           ->group(key.group);
        options.emplace_back(&key, option);
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& done) {
        return app.exit(done, out, out);
    } catch (const CLI::ParseError& error) {
        throw startup_error(fmt::format("{} {}", error.what(), on_command_line));
    }
    if (const auto leftover = app.remaining(); !leftover.empty()) {
        throw_leftover(registry, leftover.front());
    }

    launch_options result;
    if (app.count("--config") > 0) {
        result.config_file = config_file;
    }
    for (std::size_t i = 0; i < options.size(); ++i) {
        if (options[i].second->count() > 0) {
            result.overrides.emplace_back(options[i].first->name, values[i]);
        }
    }
    return result;
}

} // namespace gantry::broker
