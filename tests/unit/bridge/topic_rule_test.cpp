// Bridge topic lines (Mosquitto's "pattern direction qos local-prefix
// remote-prefix") and the names they give a message on each side.
#include <gtest/gtest.h>

#include "gantry/bridge/bridge_config.hpp"
#include "gantry/bridge/topic_rule.hpp"

namespace gantry::bridge {
namespace {

topic_rule parsed(std::string_view line) {
    auto result = parse_topic_rule(line);
    EXPECT_TRUE(result.rule) << line << ": " << result.error;
    return result.rule.value_or(topic_rule{});
}

TEST(TopicRule, DefaultsAreOutAtQos0WithoutPrefixes) {
    EXPECT_EQ(parsed("sensors/#"), (topic_rule{"sensors/#", direction::out, 0, "", ""}));
    EXPECT_EQ(parsed("  a/+  both 2 local/ remote/ "), (topic_rule{"a/+", direction::both, 2, "local/", "remote/"}));
    EXPECT_EQ(parsed("x in 1 \"\" remote/"), (topic_rule{"x", direction::in, 1, "", "remote/"}));
}

TEST(TopicRule, MistakesAreNamed) {
    EXPECT_EQ(parse_topic_rule("").error, "is empty; write 'pattern [out|in|both [qos [local-prefix [remote-prefix]]]]'");
    EXPECT_EQ(parse_topic_rule("a sideways").error, "direction must be out, in or both, got 'sideways'");
    EXPECT_EQ(parse_topic_rule("a out 3").error, "qos must be 0, 1 or 2, got '3'");
    EXPECT_EQ(parse_topic_rule("a out 1 b c d").error,
              "has more than 5 words (pattern direction qos local-prefix remote-prefix)");
    EXPECT_NE(parse_topic_rule("a/#/b").error.find("local filter 'a/#/b'"), std::string::npos);
}

TEST(TopicRule, NamesAreRewrittenBetweenPrefixesOnlyWhenThePatternMatches) {
    const auto rule = parsed("x/# both 1 factory/ site1/");
    EXPECT_EQ(rule.to_remote("factory/x/1"), "site1/x/1");
    EXPECT_EQ(rule.to_remote("factory/x"), "site1/x");
    EXPECT_EQ(rule.to_local("site1/x/a/b"), "factory/x/a/b");
    EXPECT_FALSE(rule.to_remote("factory/y/1"));
    EXPECT_FALSE(rule.to_remote("elsewhere/x/1"));
    EXPECT_FALSE(rule.to_local("factory/x/1"));
}

TEST(TopicRule, DirectionDecidesWhichWayANameTravels) {
    EXPECT_FALSE(parsed("a in").to_remote("a"));
    EXPECT_EQ(parsed("a in").to_local("a"), "a");
    EXPECT_FALSE(parsed("a out").to_local("a"));
}

TEST(BridgeConfig, ProblemsNameTheKey) {
    mqtt_bridge_config config;
    config.name = "b";
    config.addresses = {"127.0.0.1:1883"};
    config.topics = {parsed("x/# out 1 local/")};
    EXPECT_FALSE(configuration_problem(config));

    auto bad = config;
    bad.addresses = {"127.0.0.1"};
    EXPECT_EQ(configuration_problem(bad), "addresses: '127.0.0.1' is not \"host:port\" with a port 1-65535");
    bad = config;
    bad.topics = {parsed(std::string(200, 'x') + "/# out")};
    EXPECT_TRUE(configuration_problem(bad)->starts_with("topics: '" + std::string(200, 'x') + "/#' sends local topics"));
    bad.topics = {parsed("# out"), parsed("+/status out"), parsed("# in")}; // every topic, either way
    EXPECT_FALSE(configuration_problem(bad));
    bad = config;
    bad.reconnect.maximum = std::chrono::milliseconds(10);
    EXPECT_TRUE(configuration_problem(bad)->starts_with("reconnectMin / reconnectMax"));
    bad = config;
    bad.tls = {true, "", "bridge.pem", "", true};
    EXPECT_TRUE(configuration_problem(bad)->starts_with("tlsCertFile / tlsKeyFile: give both"));
    bad.tls = {false, "ca.pem", "", "", true};
    EXPECT_TRUE(configuration_problem(bad)->starts_with("tls: set tls = true"));
}

} // namespace
} // namespace gantry::bridge
