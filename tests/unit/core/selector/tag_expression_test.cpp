// RocketMQ TAG subscriptions: parsing as RocketMQ's FilterAPI does, and the
// Java hash codes the consume queue stores.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gantry/core/selector/tag_expression.hpp"

namespace gantry::core {
namespace {

TEST(tag_expression, star_and_empty_select_everything) {
    for (const char* text : {"", "*", "  *  ", " \t"}) {
        const auto e = tag_expression::parse(text);
        EXPECT_TRUE(e.matches_all()) << '"' << text << '"';
        EXPECT_TRUE(e.tags().empty());
        EXPECT_TRUE(e.matches_tag_code(12345));
        EXPECT_TRUE(e.matches_tag(""));
        EXPECT_TRUE(e.matches_tag("anything"));
    }
    EXPECT_TRUE(tag_expression().matches_all());
}

TEST(tag_expression, tags_are_split_on_double_bars_and_trimmed) {
    const auto e = tag_expression::parse(" TagA ||TagB||  TagC ");
    EXPECT_FALSE(e.matches_all());
    EXPECT_EQ(e.tags(), (std::vector<std::string>{"TagA", "TagB", "TagC"}));
    EXPECT_TRUE(e.matches_tag("TagB"));
    EXPECT_FALSE(e.matches_tag("tagb"));
    EXPECT_FALSE(e.matches_tag(" TagB"));
    EXPECT_FALSE(e.matches_tag(""));
}

TEST(tag_expression, codes_are_java_string_hash_codes) {
    // "TagA".hashCode() etc., as a Java client computes them.
    const auto e = tag_expression::parse("TagC || TagA || TagB");
    EXPECT_EQ(e.tag_codes(), (std::vector<std::int32_t>{2598919, 2598920, 2598921}));
    EXPECT_TRUE(e.matches_tag_code(2598920));
    EXPECT_FALSE(e.matches_tag_code(2598922));
    EXPECT_FALSE(e.matches_tag_code(0)); // a message without tags

    const auto hello = tag_expression::parse("hello");
    EXPECT_EQ(hello.tag_codes(), std::vector<std::int32_t>{99162322});
}

TEST(tag_expression, codes_of_non_ascii_tags_follow_utf16) {
    const auto e = tag_expression::parse("\xE6\xA0\x87\xE7\xAD\xBE || \xF0\x9F\x98\x80"); // 标签 || 😀
    EXPECT_EQ(e.tags().size(), 2u);
    EXPECT_EQ(e.tag_codes(), (std::vector<std::int32_t>{857175, 1772899}));
}

TEST(tag_expression, codes_outside_32_bits_never_match_a_tag) {
    const auto e = tag_expression::parse("TagA");
    EXPECT_FALSE(e.matches_tag_code(2598919 + (std::int64_t{1} << 32)));
    // A delayed message's queue entry holds its delivery time instead.
    EXPECT_FALSE(e.matches_tag_code(1'700'000'000'000));
}

TEST(tag_expression, empty_and_repeated_tags_are_dropped) {
    const auto e = tag_expression::parse("a || || a ||b||");
    EXPECT_EQ(e.tags(), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(e.tag_codes(), (std::vector<std::int32_t>{97, 98}));
}

TEST(tag_expression, an_expression_of_only_separators_matches_nothing) {
    const auto e = tag_expression::parse("|| ||");
    EXPECT_FALSE(e.matches_all());
    EXPECT_TRUE(e.tags().empty());
    EXPECT_FALSE(e.matches_tag_code(0));
    EXPECT_FALSE(e.matches_tag(""));
}

TEST(tag_expression, a_star_among_tags_is_a_tag) {
    const auto e = tag_expression::parse("a || *");
    EXPECT_FALSE(e.matches_all());
    EXPECT_EQ(e.tags(), (std::vector<std::string>{"a", "*"}));
    EXPECT_TRUE(e.matches_tag("*"));
    EXPECT_FALSE(e.matches_tag("b"));
}

TEST(tag_expression, a_single_bar_is_part_of_a_tag) {
    const auto e = tag_expression::parse("a|b");
    EXPECT_EQ(e.tags(), std::vector<std::string>{"a|b"});
}

} // namespace
} // namespace gantry::core
