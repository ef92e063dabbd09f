#pragma once

#include <filesystem>
#include <string_view>

#include "gantry/broker/broker_config.hpp"
#include "gantry/broker/config_registry.hpp"

namespace gantry::broker {

// Applies every key of a gantry.toml file, a flat table of RocketMQ-named
// keys. Throws startup_error for an unreadable file, a syntax error, an
// unknown key or an unacceptable value, naming the file and line.
void apply_toml_file(const config_registry& registry, broker_config& config, const std::filesystem::path& file);

// The same for a document already in memory; `source_name` stands for the
// file in messages.
void apply_toml_text(const config_registry& registry, broker_config& config, std::string_view text,
                     std::string_view source_name);

} // namespace gantry::broker
