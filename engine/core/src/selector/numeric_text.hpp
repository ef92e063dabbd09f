#pragma once

#include <string_view>

#include "gantry/core/selector/selector_value.hpp"

namespace gantry::core {

// The number a whole string spells, for Gantry's numeric-string extension
// (docs/selectors.md): MQTT user properties and STOMP headers carry only
// text, so "42" compared with 40 compares as 42. An optional sign, digits,
// an optional fraction and exponent; nothing around it (no blanks, no
// "inf"/"nan", no hex). Integers outside 64 bits become reals. Absent when
// the string is not such a number.
selector_value parse_numeric_text(std::string_view text) noexcept;

} // namespace gantry::core
