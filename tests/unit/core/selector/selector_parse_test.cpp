// Refused selectors: the error code, the position reported to the client
// and the reason; limits against hostile input; the reserved-word rules.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "selector_test_subject.hpp"

namespace gantry::core {
namespace {

struct refusal {
    std::string text;
    selector_errc code;
    std::size_t position;
    std::string reason; // a fragment of the reason
};

std::ostream& operator<<(std::ostream& out, const refusal& r) { return out << r.text; }

class selector_parse_error : public ::testing::TestWithParam<refusal> {};

TEST_P(selector_parse_error, reports_code_position_and_reason) {
    const refusal& r = GetParam();
    selector_diagnostic diagnostic;
    auto s = selector::compile(r.text, diagnostic);
    ASSERT_FALSE(s.has_value()) << r.text;
    EXPECT_EQ(s.error(), make_error_code(r.code)) << r.text << ": " << diagnostic.to_string();
    EXPECT_EQ(diagnostic.code, s.error());
    EXPECT_EQ(diagnostic.position, r.position) << r.text << ": " << diagnostic.to_string();
    EXPECT_NE(diagnostic.reason.find(r.reason), std::string::npos) << r.text << ": " << diagnostic.reason;
}

INSTANTIATE_TEST_SUITE_P(syntax, selector_parse_error, ::testing::Values(
    refusal{"a =", selector_errc::syntax_error, 3, "expected an identifier, a literal or '(', found end of selector"},
    refusal{"type IN ('a','b' 'c')", selector_errc::syntax_error, 17, "expected ')' after IN list, found string 'c'"},
    refusal{"a IN ('x',)", selector_errc::syntax_error, 10, "expected a string literal after ','"},
    refusal{"a IN ()", selector_errc::syntax_error, 6, "expected a string literal in the IN list"},
    refusal{"a IN (1, 2)", selector_errc::syntax_error, 6, "found number 1"},
    refusal{"a IN 'x'", selector_errc::syntax_error, 5, "expected '(' after IN"},
    refusal{"a = 1 b", selector_errc::syntax_error, 6, "expected AND, OR or the end of the selector, found identifier 'b'"},
    refusal{"a = 1 = 2", selector_errc::syntax_error, 6, "comparisons cannot be chained"},
    refusal{"(a = 1", selector_errc::syntax_error, 6, "expected ')' to close '('"},
    refusal{"a = 1)", selector_errc::syntax_error, 5, "found ')'"},
    refusal{"a = NULL", selector_errc::syntax_error, 4, "IS NULL"},
    refusal{"a != 1", selector_errc::syntax_error, 2, "not equal is written <>"},
    refusal{"a = \"x\"", selector_errc::syntax_error, 4, "single quotes"},
    refusal{"a = 1 AND", selector_errc::syntax_error, 9, "found end of selector"},
    refusal{"a BETWEEN 1 OR 2", selector_errc::syntax_error, 12, "expected AND between the bounds of BETWEEN"},
    refusal{"a IS 5", selector_errc::syntax_error, 5, "expected NULL or NOT NULL after IS"},
    refusal{"a IS NOT 5", selector_errc::syntax_error, 9, "expected NULL after IS NOT"},
    refusal{"a NOT = 1", selector_errc::syntax_error, 6, "expected BETWEEN, IN or LIKE after NOT"},
    refusal{"a LIKE 5", selector_errc::syntax_error, 7, "expected a string pattern after LIKE"},
    refusal{"a LIKE 'x' ESCAPE 5", selector_errc::syntax_error, 18, "expected a string after ESCAPE"},
    refusal{"'a' LIKE 'x'", selector_errc::syntax_error, 0, "left side of LIKE must be an identifier"},
    refusal{"a + 1 IN ('x')", selector_errc::syntax_error, 0, "left side of IN must be an identifier"},
    refusal{"a = 1 # 2", selector_errc::syntax_error, 6, "unexpected character '#'"}));

// Reserved words cannot name properties, in any case.
INSTANTIATE_TEST_SUITE_P(reserved_words, selector_parse_error, ::testing::Values(
    refusal{"between = 1", selector_errc::syntax_error, 0, "found reserved word 'between'"},
    refusal{"a = 1 AND And = 2", selector_errc::syntax_error, 10, "found reserved word 'And'"},
    refusal{"Null IS NULL", selector_errc::syntax_error, 0, "NULL is not a value"},
    refusal{"a = escape", selector_errc::syntax_error, 4, "found reserved word 'escape'"},
    refusal{"LIKE LIKE 'x'", selector_errc::syntax_error, 0, "found reserved word 'LIKE'"},
    refusal{"x IN ('a') OR in = 1", selector_errc::syntax_error, 14, "found reserved word 'in'"},
    refusal{"is IS NULL", selector_errc::syntax_error, 0, "found reserved word 'is'"},
    refusal{"or = 1", selector_errc::syntax_error, 0, "found reserved word 'or'"},
    refusal{"true = 1 AND not = 2", selector_errc::syntax_error, 17, "found '='"}));

INSTANTIATE_TEST_SUITE_P(literals, selector_parse_error, ::testing::Values(
    refusal{"a = 'abc", selector_errc::invalid_literal, 4, "unterminated string literal"},
    refusal{"a = 'it''s", selector_errc::invalid_literal, 4, "unterminated string literal"},
    refusal{"9223372036854775808 = a", selector_errc::invalid_literal, 0, "integer literal out of range"},
    refusal{"a = 99999999999999999999", selector_errc::invalid_literal, 4, "integer literal out of range"},
    refusal{"a = 0x1FFFFFFFFFFFFFFFF", selector_errc::invalid_literal, 4, "integer literal out of range"},
    refusal{"a = 1e999", selector_errc::invalid_literal, 4, "range of a double"},
    refusal{"a = 09", selector_errc::invalid_literal, 4, "octal"},
    refusal{"a = 1x", selector_errc::invalid_literal, 4, "malformed numeric literal"},
    refusal{"1a = 1", selector_errc::invalid_literal, 0, "malformed numeric literal"},
    refusal{"a = 1.2.3", selector_errc::invalid_literal, 4, "malformed numeric literal"},
    refusal{"a = 0x", selector_errc::invalid_literal, 4, "malformed hexadecimal literal"},
    refusal{"a = 1e", selector_errc::invalid_literal, 5, "exponent without digits"}));

INSTANTIATE_TEST_SUITE_P(patterns, selector_parse_error, ::testing::Values(
    refusal{"a LIKE 'x' ESCAPE 'ab'", selector_errc::invalid_pattern, 18, "exactly one character"},
    refusal{"a LIKE 'x' ESCAPE ''", selector_errc::invalid_pattern, 18, "exactly one character"},
    refusal{"a LIKE 'x!' ESCAPE '!'", selector_errc::invalid_pattern, 7, "ends with its escape character"}));

// Operands whose type can never suit their operator.
INSTANTIATE_TEST_SUITE_P(types, selector_parse_error, ::testing::Values(
    refusal{"'a' + 1 = 2", selector_errc::type_error, 0, "arithmetic needs a number, found a string"},
    refusal{"a + 'b' = 1", selector_errc::type_error, 4, "arithmetic needs a number, found a string"},
    refusal{"-'b' = 1", selector_errc::type_error, 1, "arithmetic needs a number"},
    refusal{"(a = 1) + 1 = 2", selector_errc::type_error, 0, "arithmetic needs a number, found a condition"},
    refusal{"NOT 5", selector_errc::type_error, 4, "NOT needs a condition, found a numeric expression"},
    refusal{"a > 'x'", selector_errc::type_error, 4, "compare only with = and <>"},
    refusal{"TRUE < FALSE", selector_errc::type_error, 0, "compare only with = and <>"},
    refusal{"5", selector_errc::type_error, 0, "a selector needs a condition"},
    refusal{"'yes'", selector_errc::type_error, 0, "a selector needs a condition, found a string"},
    refusal{"a + 1", selector_errc::type_error, 0, "a selector needs a condition"},
    refusal{"a = 1 AND 5", selector_errc::type_error, 10, "AND needs a condition"},
    refusal{"2 OR a = 1", selector_errc::type_error, 0, "OR needs a condition"},
    refusal{"a BETWEEN 'a' AND 'z'", selector_errc::type_error, 10, "BETWEEN needs a number, found a string"},
    refusal{"'m' BETWEEN 1 AND 2", selector_errc::type_error, 0, "BETWEEN needs a number"}));

TEST(selector_parse, the_empty_selector_matches_everything) {
    for (const char* text : {"", "   ", "\t\r\n"}) {
        auto s = selector::compile(text);
        ASSERT_TRUE(s.has_value());
        EXPECT_TRUE(s->matches_all());
        EXPECT_TRUE(s->matches(test::flat_subject()));
    }
    EXPECT_TRUE(selector().matches_all());
    EXPECT_FALSE(selector::compile("a = 1")->matches_all());
}

TEST(selector_parse, diagnostic_reads_as_a_sentence) {
    selector_diagnostic diagnostic;
    ASSERT_FALSE(selector::compile("type IN ('a','b' 'c')", diagnostic));
    EXPECT_EQ(diagnostic.to_string(), "selector error at position 17: expected ')' after IN list, found string 'c'");
    EXPECT_STREQ(diagnostic.code.category().name(), "gantry.selector");
    EXPECT_EQ(diagnostic.code.message(), "selector syntax error");
}

TEST(selector_parse, positions_count_characters_not_bytes) {
    selector_diagnostic diagnostic;
    ASSERT_FALSE(selector::compile("\xC3\xB1" "ame = 'x' AND", diagnostic)); // ñame
    EXPECT_EQ(diagnostic.byte_offset, 15u);
    EXPECT_EQ(diagnostic.position, 14u);
}

TEST(selector_parse, identifiers_follow_java_rules) {
    const test::flat_subject subject({{"_x$1", selector_value::integer(1)},
                                      {"ANDROID", selector_value::integer(2)},
                                      {"ORDER", selector_value::integer(3)},
                                      {"$", selector_value::integer(4)},
                                      {"\xC3\xB1" "ame", selector_value::integer(5)},
                                      {"JMSXGroupID", selector_value::string("g")}});
    auto s = selector::compile("_x$1 = 1 AND ANDROID = 2 AND ORDER = 3 AND $ = 4 AND \xC3\xB1" "ame = 5 AND "
                               "JMSXGroupID = 'g' AND isnull IS NULL AND notes IS NULL AND between_x IS NULL");
    ASSERT_TRUE(s.has_value());
    EXPECT_TRUE(s->matches(subject));
}

TEST(selector_parse, a_selector_longer_than_the_limit_is_refused) {
    auto quoted = [](std::size_t length) {
        std::string text = "a = '";
        text.append(length, 'x').push_back('\'');
        return text;
    };
    ASSERT_EQ(quoted(4090).size(), 4096u);
    EXPECT_TRUE(selector::compile(quoted(4090)).has_value());
    const std::string text = quoted(4091);
    selector_diagnostic diagnostic;
    auto s = selector::compile(text, diagnostic);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error(), make_error_code(selector_errc::too_long));
    EXPECT_EQ(diagnostic.position, 4096u);
    EXPECT_EQ(selector::compile(text, selector_limits{.max_length = 5000}).has_value(), true);
}

TEST(selector_parse, nesting_is_bounded) {
    auto nested = [](int levels) { return std::string(levels, '(') + "a = 1" + std::string(levels, ')'); };
    EXPECT_TRUE(selector::compile(nested(60)).has_value());
    selector_diagnostic diagnostic;
    auto deep = selector::compile(nested(64), diagnostic);
    ASSERT_FALSE(deep.has_value());
    EXPECT_EQ(deep.error(), make_error_code(selector_errc::too_deep));
    EXPECT_NE(diagnostic.reason.find("deeper than 64"), std::string::npos);

    std::string nots;
    for (int i = 0; i < 100; ++i) nots += "NOT ";
    EXPECT_EQ(selector::compile(nots + "a = 1").error(), make_error_code(selector_errc::too_deep));
    std::string minus(100, '-');
    EXPECT_EQ(selector::compile(minus + "a = 1").error(), make_error_code(selector_errc::too_deep));
    std::string sums = "a";
    for (int i = 0; i < 100; ++i) sums += " + a";
    EXPECT_EQ(selector::compile(sums + " = 1").error(), make_error_code(selector_errc::too_deep));

    // Hostile input well past the limits fails cleanly instead of
    // exhausting the stack.
    const selector_limits roomy{.max_length = 1 << 20, .max_depth = 64};
    EXPECT_EQ(selector::compile(std::string(100000, '('), roomy).error(), make_error_code(selector_errc::too_deep));
    EXPECT_EQ(selector::compile(nested(8), selector_limits{.max_depth = 8}).error(),
              make_error_code(selector_errc::too_deep));
}

TEST(selector_parse, long_and_or_chains_stay_shallow) {
    std::string text = "a = 0";
    for (int i = 1; i < 300; ++i) text += (i % 2 ? " OR a = " : " AND a = ") + std::to_string(i);
    ASSERT_LE(text.size(), 4096u);
    // a = 0 OR (a = 1 AND a = 2) OR ... OR a = 299
    auto s = selector::compile(text);
    ASSERT_TRUE(s.has_value());
    EXPECT_TRUE(s->matches(test::flat_subject({{"a", selector_value::integer(0)}})));
    EXPECT_TRUE(s->matches(test::flat_subject({{"a", selector_value::integer(299)}})));
    EXPECT_FALSE(s->matches(test::flat_subject({{"a", selector_value::integer(1)}})));
}

TEST(selector_parse, compiled_selectors_own_their_text) {
    std::string text = "name LIKE 'ab%' AND s IN ('x', 'y') AND t = 'z'";
    auto s = selector::compile(text);
    ASSERT_TRUE(s.has_value());
    text.assign(text.size(), '#');
    const test::flat_subject subject({{"name", selector_value::string("abc")},
                                      {"s", selector_value::string("y")},
                                      {"t", selector_value::string("z")}});
    const selector copy = *s;
    EXPECT_TRUE(copy.matches(subject));
    EXPECT_EQ(copy.text(), "name LIKE 'ab%' AND s IN ('x', 'y') AND t = 'z'");
}

} // namespace
} // namespace gantry::core
