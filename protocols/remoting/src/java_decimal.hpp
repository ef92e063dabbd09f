#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gantry::protocols::remoting::detail {

// The text fastjson stores when a JSON number arrives where a String is
// expected (an extFields value): integer literals verbatim, anything with a
// fraction or exponent as java.math.BigDecimal.toString() of the literal
// (fastjson parses floats as BigDecimal by default), e.g. "1.50" -> "1.50",
// "1e3" -> "1E+3", "0.0000001" -> "1E-7". `literal` must be JSON number
// syntax; nullopt when the scale would overflow Java's int, where BigDecimal
// throws.
std::optional<std::string> java_decimal_text(std::string_view literal);

} // namespace gantry::protocols::remoting::detail
