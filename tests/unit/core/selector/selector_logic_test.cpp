// JMS three-valued logic (JMS 1.1 §3.8.1.2, tables 3-4 to 3-6): every
// combination of TRUE, FALSE and UNKNOWN through AND, OR and NOT.
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "selector_test_subject.hpp"

namespace gantry::core {
namespace {

using test::F;
using test::T;
using test::U;

// Conditions with a known truth value on sample_subject(): a boolean
// property, and a comparison with an absent property for UNKNOWN.
std::string condition(truth t) {
    switch (t) {
    case truth::true_value: return "(b_true)";
    case truth::false_value: return "(b_false)";
    case truth::unknown: return "(missing = 1)";
    }
    return {};
}

truth evaluate(const std::string& text) {
    auto s = selector::compile(text);
    EXPECT_TRUE(s.has_value()) << text;
    return s ? s->evaluate(test::sample_subject()) : U;
}

struct binary_row {
    truth left;
    truth right;
    truth expected;
};

TEST(selector_logic, and_table) {
    const std::array<binary_row, 9> table{{
        {T, T, T}, {T, F, F}, {T, U, U},
        {F, T, F}, {F, F, F}, {F, U, F},
        {U, T, U}, {U, F, F}, {U, U, U},
    }};
    for (const auto& row : table) {
        const std::string text = condition(row.left) + " AND " + condition(row.right);
        EXPECT_EQ(evaluate(text), row.expected) << text;
    }
}

TEST(selector_logic, or_table) {
    const std::array<binary_row, 9> table{{
        {T, T, T}, {T, F, T}, {T, U, T},
        {F, T, T}, {F, F, F}, {F, U, U},
        {U, T, T}, {U, F, U}, {U, U, U},
    }};
    for (const auto& row : table) {
        const std::string text = condition(row.left) + " OR " + condition(row.right);
        EXPECT_EQ(evaluate(text), row.expected) << text;
    }
}

TEST(selector_logic, not_table) {
    EXPECT_EQ(evaluate("NOT " + condition(T)), F);
    EXPECT_EQ(evaluate("NOT " + condition(F)), T);
    EXPECT_EQ(evaluate("NOT " + condition(U)), U);
}

TEST(selector_logic, truth_functions_match_the_tables) {
    const std::array<truth, 3> values{T, F, U};
    for (truth a : values) {
        EXPECT_EQ(truth_not(truth_not(a)), a);
        for (truth b : values) {
            EXPECT_EQ(truth_and(a, b), truth_and(b, a));
            EXPECT_EQ(truth_or(a, b), truth_or(b, a));
            // De Morgan holds in Kleene's logic too.
            EXPECT_EQ(truth_not(truth_and(a, b)), truth_or(truth_not(a), truth_not(b)));
        }
    }
}

TEST(selector_logic, longer_chains_are_evaluated_as_a_whole) {
    EXPECT_EQ(evaluate("(missing = 1) AND b_true AND b_false"), F);
    EXPECT_EQ(evaluate("(missing = 1) AND b_true AND b_true"), U);
    EXPECT_EQ(evaluate("(missing = 1) OR b_false OR b_true"), T);
    EXPECT_EQ(evaluate("(missing = 1) OR b_false OR b_false"), U);
}

TEST(selector_logic, only_true_matches) {
    auto unknown = selector::compile("missing = 1");
    ASSERT_TRUE(unknown);
    EXPECT_FALSE(unknown->matches(test::sample_subject()));
    EXPECT_FALSE(selector::compile("NOT (missing = 1)")->matches(test::sample_subject()));
    EXPECT_TRUE(selector::compile("missing IS NULL")->matches(test::sample_subject()));
}

} // namespace
} // namespace gantry::core
