#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gantry::protocols::naming {

// Hexadecimal text: percent-encoded names, and binary fields that travel as
// text (MQTT correlation data in a property, a kept will in a session file).
inline constexpr char hex_digits[] = "0123456789ABCDEF";

// 0..15 for a hexadecimal digit of either case; -1 for anything else.
int hex_digit_value(char c) noexcept;
// Two upper-case digits a byte.
std::string to_hex(std::string_view bytes);
// The inverse, taking either case; nothing for an odd length or a non-digit.
std::optional<std::string> from_hex(std::string_view text);

} // namespace gantry::protocols::naming
