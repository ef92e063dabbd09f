#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <system_error>

#include "gantry/engine/result.hpp"

namespace gantry::core {

// Delay level -> next offset in its schedule queue.
using delay_offset_table = std::map<int, std::int64_t>;

// Reads <storePathRootDir>/config/delayOffset.json (or its .bak), RocketMQ's
// {"offsetTable":{"1":12,"2":0}}. nullopt: neither file exists yet.
result<std::optional<delay_offset_table>> load_delay_offsets(const std::filesystem::path& file);

// Replaces the file atomically, keeping the previous version as .bak.
std::error_code save_delay_offsets(const std::filesystem::path& file, const delay_offset_table& offsets);

} // namespace gantry::core
