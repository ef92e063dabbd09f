#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gantry::broker {

// The candidate a mistyped name most likely meant: the closest by edit
// distance (ignoring case, a swap of neighbours counting as one edit), if it
// is close enough to be worth suggesting.
std::optional<std::string> suggest_name(std::string_view typed, std::span<const std::string_view> candidates);

} // namespace gantry::broker
