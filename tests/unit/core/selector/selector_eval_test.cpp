// Evaluation tables: each selector against sample_subject(), with the
// truth value JMS gives it (plus Gantry's numeric-string extension).
#include <gtest/gtest.h>

#include <ostream>
#include <string_view>

#include "selector_test_subject.hpp"

namespace gantry::core {

std::ostream& operator<<(std::ostream& out, truth t) {
    switch (t) {
    case truth::true_value: return out << "TRUE";
    case truth::false_value: return out << "FALSE";
    case truth::unknown: return out << "UNKNOWN";
    }
    return out;
}

namespace {

using test::F;
using test::T;
using test::U;

struct row {
    std::string_view text;
    truth expected;
};

std::ostream& operator<<(std::ostream& out, const row& r) { return out << r.text; }

class selector_eval : public ::testing::TestWithParam<row> {};

TEST_P(selector_eval, gives_the_expected_truth) {
    selector_diagnostic diagnostic;
    auto s = selector::compile(GetParam().text, diagnostic);
    ASSERT_TRUE(s.has_value()) << diagnostic.to_string();
    EXPECT_EQ(s->evaluate(test::sample_subject()), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(comparison, selector_eval, ::testing::Values(
    row{"i7 = 7", T}, row{"i7 <> 7", F}, row{"i7 > 5", T}, row{"i7 >= 7", T}, row{"i7 < 7", F},
    row{"i7 <= 6", F}, row{"i7 = 7.0", T}, row{"d > 42", T}, row{"d = 42.5", T}, row{"d < 4.25E1", F},
    row{"s_eu = 'eu'", T}, row{"s_eu = 'EU'", F}, row{"s_eu <> 'eu'", F}, row{"s_eu <> 'us'", T},
    row{"b_true = TRUE", T}, row{"b_true = FALSE", F}, row{"b_false <> TRUE", T}, row{"b_true", T},
    row{"b_false", F}, row{"s_eu = s_eu", T}, row{"name = s_eu", F}, row{"quote = 'it''s'", T},
    row{"JMSPriority = 4", T}, row{"JMSType = 'order'", T}, row{"I7 = 7", U}));

// A NULL operand makes a comparison unknown, and NOT keeps it unknown.
INSTANTIATE_TEST_SUITE_P(null, selector_eval, ::testing::Values(
    row{"missing = 1", U}, row{"missing <> 1", U}, row{"missing = 'x'", U}, row{"NOT missing = 1", U},
    row{"missing = missing", U}, row{"missing > 1 OR i7 = 7", T}, row{"missing > 1 AND i7 = 7", U},
    row{"missing > 1 AND i7 = 8", F}, row{"missing", U}, row{"NOT missing", U}, row{"missing IS NULL", T},
    row{"missing IS NOT NULL", F}, row{"i7 IS NULL", F}, row{"i7 IS NOT NULL", T}, row{"empty IS NULL", F},
    row{"missing + 1 IS NULL", T}));

// Unlike types compare false, not unknown (JMS: "the value of the
// operation is false"), so NOT turns them true.
INSTANTIATE_TEST_SUITE_P(type_mismatch, selector_eval, ::testing::Values(
    row{"i7 = 'seven'", F}, row{"NOT (i7 = 'seven')", T}, row{"s_eu = 1", F}, row{"s_eu > 1", F},
    row{"b_true = 1", F}, row{"NOT (b_true = 1)", T}, row{"b_true = s_eu", F}, row{"b_true <> s_eu", F},
    row{"s_eu", U}, row{"i7", U}, row{"b_true = 'TRUE'", F}, row{"d = TRUE", F}));

INSTANTIATE_TEST_SUITE_P(arithmetic, selector_eval, ::testing::Values(
    row{"i7 + 3 = 10", T}, row{"i7 - 10 = -3", T}, row{"i7 * 2 = 14", T}, row{"i7 / 2 = 3", T},
    row{"d / 2 = 21.25", T}, row{"i7 / 2.0 = 3.5", T}, row{"-i7 = -7", T}, row{"- -i7 = 7", T},
    row{"+i7 = 7", T}, row{"2 + 3 * 4 = 14", T}, row{"(2 + 3) * 4 = 20", T}, row{"10 - 4 - 3 = 3", T},
    row{"12 / 3 / 2 = 2", T}, row{"-7 / 2 = -3", T}, row{"missing + 1 = 1", U}, row{"b_true + 1 = 2", U},
    row{"big + 1 < 0", T}, row{"small / -1 = small", T}, row{"i7 * 1.5 = 10.5", T}));

// Division by zero has no value: the comparison around it is unknown.
INSTANTIATE_TEST_SUITE_P(division_by_zero, selector_eval, ::testing::Values(
    row{"i7 / 0 = 1", U}, row{"i7 / zero > 0", U}, row{"NOT (i7 / 0 = 1)", U}, row{"d / 0 > 0", U},
    row{"d / 0.0 < 0", U}, row{"i7 / 0 IS NULL", T}));

// Gantry's extension: a string that spells a number meets a number as one.
INSTANTIATE_TEST_SUITE_P(numeric_string, selector_eval, ::testing::Values(
    row{"num_text = 42", T}, row{"num_text > 40", T}, row{"num_text = 42.0", T}, row{"real_text = 42.5", T},
    row{"real_text > 42", T}, row{"40 < num_text", T}, row{"bad_text = 42", F}, row{"NOT (bad_text = 42)", T},
    row{"num_text + 1 = 43", T}, row{"bad_text + 1 = 43", U}, row{"num_text = '42'", T},
    row{"num_text = '42.0'", F}, row{"i7 IN ('7', '8')", T}, row{"i7 IN ('07x', '8')", F},
    row{"num_text BETWEEN 40 AND 50", T}, row{"num_text = d - 0.5", T}));

INSTANTIATE_TEST_SUITE_P(between, selector_eval, ::testing::Values(
    row{"i7 BETWEEN 5 AND 10", T}, row{"i7 BETWEEN 7 AND 7", T}, row{"i7 BETWEEN 8 AND 10", F},
    row{"i7 NOT BETWEEN 8 AND 10", T}, row{"i7 NOT BETWEEN 5 AND 10", F}, row{"missing BETWEEN 1 AND 10", U},
    row{"missing NOT BETWEEN 1 AND 10", U}, row{"i7 BETWEEN missing AND 10", U},
    row{"i7 BETWEEN missing AND 5", F}, row{"i7 NOT BETWEEN missing AND 5", T},
    row{"i7 NOT BETWEEN missing AND 10", U}, row{"d BETWEEN 42 AND 43", T}, row{"s_eu BETWEEN 1 AND 10", F},
    row{"s_eu NOT BETWEEN 1 AND 10", F}, row{"i7 BETWEEN 1 + 1 AND 2 * 5", T},
    row{"i7 BETWEEN 10 AND 5", F}));

INSTANTIATE_TEST_SUITE_P(in, selector_eval, ::testing::Values(
    row{"s_eu IN ('eu', 'us')", T}, row{"s_eu IN ('us', 'uk')", F}, row{"s_eu NOT IN ('us', 'uk')", T},
    row{"s_eu NOT IN ('eu')", F}, row{"missing IN ('eu')", U}, row{"missing NOT IN ('eu')", U},
    row{"b_true IN ('TRUE')", F}, row{"b_true NOT IN ('TRUE')", T}, row{"s_eu IN ('EU')", F},
    row{"empty IN ('')", T}, row{"quote IN ('x', 'it''s')", T},
    row{"s_eu IN ('a','b','c','d','e','f','g','h','i','j','k','eu','z')", T}));

INSTANTIATE_TEST_SUITE_P(like, selector_eval, ::testing::Values(
    row{"name LIKE 'abc%'", T}, row{"name LIKE 'abc'", F}, row{"name LIKE '%def'", T},
    row{"name LIKE '%cd%'", T}, row{"name LIKE '%xy%'", F}, row{"name LIKE 'a_c%'", T},
    row{"name LIKE '______'", T}, row{"name LIKE '_____'", F}, row{"name LIKE '%'", T},
    row{"name LIKE 'a%c%f'", T}, row{"name LIKE 'a%c%e'", F}, row{"name LIKE '%b_d%'", T},
    row{"name LIKE 'abcdef'", T}, row{"name NOT LIKE 'abc%'", F}, row{"name NOT LIKE 'x%'", T},
    row{"empty LIKE '%'", T}, row{"empty LIKE '_'", F}, row{"empty LIKE ''", T},
    row{"missing LIKE 'a%'", U}, row{"missing NOT LIKE 'a%'", U}, row{"i7 LIKE '7'", F},
    row{"i7 NOT LIKE '7'", T}, row{"pct LIKE '50\\%' ESCAPE '\\'", T}, row{"pct LIKE '5\\%' ESCAPE '\\'", F},
    row{"pct LIKE '%!%' ESCAPE '!'", T}, row{"name LIKE '%!%' ESCAPE '!'", F},
    row{"under LIKE 'a\\_b' ESCAPE '\\'", T}, row{"axb LIKE 'a\\_b' ESCAPE '\\'", F},
    row{"axb LIKE 'a_b'", T}, row{"under LIKE 'a!!b' ESCAPE '!'", F},
    row{"greek LIKE '_\xCE\xB2\xCE\xB3'", T}, row{"greek LIKE '___'", T}, row{"greek LIKE '____'", F},
    row{"greek LIKE '%\xCE\xB3'", T}, row{"name LIKE 'ABC%'", F}));

// NOT binds tighter than AND, AND than OR; parentheses override.
INSTANTIATE_TEST_SUITE_P(precedence, selector_eval, ::testing::Values(
    row{"b_true OR b_false AND b_false", T}, row{"(b_true OR b_false) AND b_false", F},
    row{"NOT b_true OR b_true", T}, row{"NOT (b_true OR b_true)", F}, row{"NOT b_false AND b_false", F},
    row{"NOT NOT b_true", T}, row{"(i7 = 7) = TRUE", T}, row{"(i7 = 7) <> b_false", T}));

// Reserved words and operators are case-insensitive; identifiers are not.
INSTANTIATE_TEST_SUITE_P(case_insensitivity, selector_eval, ::testing::Values(
    row{"s_eu in ('eu') and i7 between 1 and 10 or false", T}, row{"missing is null", T},
    row{"name not like 'x%'", T}, row{"b_true = true", T}, row{"b_true = True", T},
    row{"Missing Is Not Null Or nOt b_FaLsE", U}, row{"pct like '50!%' escape '!'", T}, row{"NAME = 'abcdef'", U}));

INSTANTIATE_TEST_SUITE_P(literals, selector_eval, ::testing::Values(
    row{"i7 = 0x7", T}, row{"i7 = 0X07L", T}, row{"i7 = 07", T}, row{"i7 = 7L", T}, row{"i7 = 7l", T},
    row{"d = 42.5e0", T}, row{"d = 4.25E+1", T}, row{"d = 425E-1", T}, row{"d > 42.", T}, row{"0.5 = .5", T},
    row{"i7 = 7.0d", T}, row{"i7 = 7f", T}, row{"big = 9223372036854775807", T},
    row{"small = -9223372036854775808", T}, row{"small = 0x8000000000000000", T},
    row{"-1 = 0xFFFFFFFFFFFFFFFF", T}, row{"TRUE", T}, row{"FALSE", F}, row{"NOT FALSE", T},
    row{"'a''b' = 'a''b'", T}, row{"'' = empty", T}, row{"010 = 8", T}, row{"-.5 = -0.5", T}));

} // namespace
} // namespace gantry::core
