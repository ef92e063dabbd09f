#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "gantry/broker/config_registry.hpp"

namespace gantry::broker {

// What the command line asked for: `gantryd [-c FILE] [--<key> VALUE ...]`.
struct launch_options {
    std::optional<std::filesystem::path> config_file;
    // Key and value as typed; they override the file.
    std::vector<std::pair<std::string, std::string>> overrides;
};

// Parses gantryd's command line; every registered key is an option named
// after it. Returns an exit code instead when the command line only asked
// for --help or --version, which are then printed to `out`. Throws
// startup_error for anything it cannot use, with a suggestion for a mistyped
// key.
std::variant<launch_options, int> parse_command_line(const config_registry& registry, int argc, const char* const* argv,
                                                     std::ostream& out);

} // namespace gantry::broker
