#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gantry::protocols::mqtt {

// MQTT's binary fields (payload, correlation data) as the engine's text,
// and back.
std::string to_text(const std::vector<std::byte>& bytes);
std::vector<std::byte> to_bytes(std::string_view text);

} // namespace gantry::protocols::mqtt
