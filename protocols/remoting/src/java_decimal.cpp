#include "java_decimal.hpp"

#include <cstdint>
#include <limits>

namespace gantry::protocols::remoting::detail {

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

} // namespace

std::optional<std::string> java_decimal_text(std::string_view literal) {
    std::size_t pos = 0;
    const bool negative = pos < literal.size() && literal[pos] == '-';
    if (negative) ++pos;
    std::string digits;
    while (pos < literal.size() && is_digit(literal[pos])) digits.push_back(literal[pos++]);
    std::int64_t fraction_digits = 0;
    if (pos < literal.size() && literal[pos] == '.') {
        ++pos;
        while (pos < literal.size() && is_digit(literal[pos])) {
            digits.push_back(literal[pos++]);
            ++fraction_digits;
        }
    }
    std::int64_t exponent = 0;
    if (pos < literal.size() && (literal[pos] == 'e' || literal[pos] == 'E')) {
        ++pos;
        bool exponent_negative = false;
        if (pos < literal.size() && (literal[pos] == '+' || literal[pos] == '-')) {
            exponent_negative = literal[pos] == '-';
            ++pos;
        }
        if (pos == literal.size()) return std::nullopt;
        while (pos < literal.size() && is_digit(literal[pos])) {
            exponent = exponent * 10 + (literal[pos++] - '0');
            // Past this BigDecimal's int scale overflows anyway; stop early.
            if (exponent > (std::int64_t{1} << 40)) return std::nullopt;
        }
        if (exponent_negative) exponent = -exponent;
    }
    if (pos != literal.size() || digits.empty()) return std::nullopt;

    const std::int64_t scale = fraction_digits - exponent;
    if (scale < std::numeric_limits<std::int32_t>::min() || scale > std::numeric_limits<std::int32_t>::max()) {
        return std::nullopt;
    }
    const auto first = digits.find_first_not_of('0');
    const std::string coefficient = first == std::string::npos ? "0" : digits.substr(first);
    std::string out = negative && coefficient != "0" ? "-" : "";
    if (scale == 0) return out + coefficient;

    const auto length = static_cast<std::int64_t>(coefficient.size());
    const std::int64_t adjusted = -scale + (length - 1);
    if (scale > 0 && adjusted >= -6) {
        // Plain notation; adjusted >= -6 bounds the zero padding to 6.
        const std::int64_t pad = scale - length;
        if (pad >= 0) {
            out += "0.";
            out.append(static_cast<std::size_t>(pad), '0');
            out += coefficient;
        } else {
            const auto integer_digits = static_cast<std::size_t>(length - scale);
            out += coefficient.substr(0, integer_digits);
            out += '.';
            out += coefficient.substr(integer_digits);
        }
        return out;
    }
    out += coefficient[0];
    if (coefficient.size() > 1) {
        out += '.';
        out += coefficient.substr(1);
    }
    if (adjusted != 0) {
        out += 'E';
        if (adjusted > 0) out += '+';
        out += std::to_string(adjusted);
    }
    return out;
}

} // namespace gantry::protocols::remoting::detail
