#pragma once

#include <cstdint>

namespace gantry::core {

// SQL's three-valued logic, which JMS selectors use: a comparison with NULL
// is unknown, and a selector matches only when it is true.
enum class truth : std::uint8_t { false_value, true_value, unknown };

constexpr truth truth_not(truth t) noexcept {
    switch (t) {
    case truth::false_value: return truth::true_value;
    case truth::true_value: return truth::false_value;
    case truth::unknown: return truth::unknown;
    }
    return truth::unknown;
}

constexpr truth truth_and(truth a, truth b) noexcept {
    if (a == truth::false_value || b == truth::false_value) return truth::false_value;
    if (a == truth::unknown || b == truth::unknown) return truth::unknown;
    return truth::true_value;
}

constexpr truth truth_or(truth a, truth b) noexcept {
    if (a == truth::true_value || b == truth::true_value) return truth::true_value;
    if (a == truth::unknown || b == truth::unknown) return truth::unknown;
    return truth::false_value;
}

constexpr truth to_truth(bool b) noexcept { return b ? truth::true_value : truth::false_value; }

} // namespace gantry::core
