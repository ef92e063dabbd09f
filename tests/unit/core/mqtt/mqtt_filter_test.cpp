// filter_language::mqtt: MQTT topic filters within one engine topic, matched
// against the tag (the topic's levels after the first).
#include <gtest/gtest.h>

#include <optional>
#include <string_view>

#include "gantry/core/mqtt_filter.hpp"

namespace gantry::core {
namespace {

constexpr std::optional<std::string_view> one_level = std::nullopt;

bool match(std::string_view filter, std::optional<std::string_view> rest) {
    EXPECT_FALSE(mqtt_filter::problem(filter)) << filter;
    return mqtt_filter(filter).matches(rest);
}

TEST(mqtt_filter, empty_filter_is_the_one_level_topic_only) {
    EXPECT_TRUE(match("", one_level));
    EXPECT_FALSE(match("", "b"));
    EXPECT_FALSE(match("", "")); // "a/" is not "a"
}

TEST(mqtt_filter, literal_levels_match_exactly) {
    EXPECT_TRUE(match("b/c", "b/c"));
    EXPECT_FALSE(match("b/c", "b"));
    EXPECT_FALSE(match("b/c", "b/c/d"));
    EXPECT_FALSE(match("b/c", "b/C"));
    EXPECT_FALSE(match("b", one_level));
    EXPECT_TRUE(match("b/", "b/"));
    EXPECT_FALSE(match("b", "b/"));
}

TEST(mqtt_filter, plus_is_exactly_one_possibly_empty_level) {
    EXPECT_TRUE(match("+", "b"));
    EXPECT_TRUE(match("+", "")); // "a/+" matches "a/"
    EXPECT_FALSE(match("+", one_level));
    EXPECT_FALSE(match("+", "b/c"));
    EXPECT_TRUE(match("+/c", "b/c"));
    EXPECT_TRUE(match("+/c", "/c"));
    EXPECT_FALSE(match("+/c", "b/d"));
    EXPECT_TRUE(match("b/+", "b/"));
    EXPECT_TRUE(match("+/+", "/"));
    EXPECT_FALSE(match("+/+", "b"));
}

TEST(mqtt_filter, hash_matches_the_parent_and_every_descendant) {
    EXPECT_TRUE(match("#", one_level)); // "a/#" matches "a"
    EXPECT_TRUE(match("#", ""));
    EXPECT_TRUE(match("#", "b/c/d"));
    EXPECT_TRUE(mqtt_filter("#").matches_all());
    EXPECT_TRUE(match("b/#", "b"));
    EXPECT_TRUE(match("b/#", "b/c/d"));
    EXPECT_FALSE(match("b/#", one_level));
    EXPECT_FALSE(match("b/#", "c"));
    EXPECT_TRUE(match("+/#", "b"));
    EXPECT_FALSE(match("+/#", one_level));
    EXPECT_FALSE(mqtt_filter("b/#").matches_all());
}

TEST(mqtt_filter, misplaced_wildcards_are_refused) {
    EXPECT_TRUE(mqtt_filter::problem("#/b"));
    EXPECT_TRUE(mqtt_filter::problem("b#"));
    EXPECT_TRUE(mqtt_filter::problem("b+/c"));
    EXPECT_TRUE(mqtt_filter::problem("b/c+"));
    EXPECT_FALSE(mqtt_filter::problem(""));
    EXPECT_FALSE(mqtt_filter::problem("+/+/#"));
}

} // namespace
} // namespace gantry::core
