#include "numeric_text.hpp"

#include <charconv>
#include <cmath>

namespace gantry::core {

selector_value parse_numeric_text(std::string_view text) noexcept {
    std::string_view body = text;
    if (!body.empty() && body.front() == '+') {
        body.remove_prefix(1);
        if (!body.empty() && body.front() == '-') return {};
    }
    std::size_t i = !body.empty() && body.front() == '-' ? 1 : 0;
    const std::size_t digits_start = i;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i;
    const bool any_digit = i > digits_start || (i < body.size() && body[i] == '.' && i + 1 < body.size() &&
                                        body[i + 1] >= '0' && body[i + 1] <= '9');
    if (!any_digit) return {};
    const char* first = body.data();
    const char* last = body.data() + body.size();
    if (i == body.size()) {
        std::int64_t value = 0;
        const auto [end, ec] = std::from_chars(first, last, value);
        if (ec == std::errc{} && end == last) return selector_value::integer(value);
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc{} || end != last || !std::isfinite(value)) return {};
    return selector_value::real(value);
}

} // namespace gantry::core
