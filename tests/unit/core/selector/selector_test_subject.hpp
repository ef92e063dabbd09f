#pragma once

#include <cstdint>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

#include "gantry/core/selector/selector.hpp"

namespace gantry::core::test {

// A message with a fixed, flat set of properties, as the engine's subjects
// present a record.
class flat_subject final : public selector_subject {
public:
    flat_subject() = default;
    explicit flat_subject(std::vector<std::pair<std::string_view, selector_value>> values)
        : values_(std::move(values)) {}

    selector_value property(std::string_view name) const override {
        for (const auto& [n, v] : values_)
            if (n == name) return v;
        return {};
    }

private:
    std::vector<std::pair<std::string_view, selector_value>> values_;
};

// The properties the evaluation tables refer to; `missing` is never set.
inline const flat_subject& sample_subject() {
    static const flat_subject subject({
        {"i7", selector_value::integer(7)},
        {"zero", selector_value::integer(0)},
        {"big", selector_value::integer(std::numeric_limits<std::int64_t>::max())},
        {"small", selector_value::integer(std::numeric_limits<std::int64_t>::min())},
        {"d", selector_value::real(42.5)},
        {"s_eu", selector_value::string("eu")},
        {"name", selector_value::string("abcdef")},
        {"empty", selector_value::string("")},
        {"pct", selector_value::string("50%")},
        {"under", selector_value::string("a_b")},
        {"axb", selector_value::string("axb")},
        {"quote", selector_value::string("it's")},
        {"greek", selector_value::string("\xCE\xB1\xCE\xB2\xCE\xB3")}, // αβγ
        {"num_text", selector_value::string("42")},
        {"real_text", selector_value::string("42.5")},
        {"bad_text", selector_value::string("42abc")},
        {"b_true", selector_value::boolean(true)},
        {"b_false", selector_value::boolean(false)},
        {"JMSPriority", selector_value::integer(4)},
        {"JMSType", selector_value::string("order")},
    });
    return subject;
}

// The tables' shorthand for JMS's three truth values.
inline constexpr truth T = truth::true_value;
inline constexpr truth F = truth::false_value;
inline constexpr truth U = truth::unknown;

} // namespace gantry::core::test
