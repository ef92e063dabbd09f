#include "gantry/protocols/remoting/subscription_group_body.hpp"

#include <gtest/gtest.h>

#include <string_view>

#include "gantry/protocols/remoting/remoting_error.hpp"

namespace gantry::protocols::remoting {
namespace {

std::span<const std::byte> bytes(std::string_view text) {
    return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

TEST(SubscriptionGroupBody, WritesTheConfigAsFastjsonDoes) {
    engine::group_config c;
    c.group_name = "cg";
    c.retry_max_times = 3;
    c.consume_enable = false;
    EXPECT_EQ(subscription_group_config_json(c),
              R"({"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":false,"consumeFromMinEnable":true,)"
              R"("groupName":"cg","notifyConsumerIdsChangedEnable":true,"retryMaxTimes":3,"retryQueueNums":1,)"
              R"("whichBrokerWhenConsumeSlowly":1})");
}

TEST(SubscriptionGroupBody, ReadsWhatMqadminSendsAndKeepsRocketMqsDefaultsForTheRest) {
    // mqadmin updateSubGroup 4.9.x: broadcast and from-min off unless asked.
    const auto sent = parse_subscription_group_config(
        bytes(R"({"brokerId":0,"consumeBroadcastEnable":false,"consumeEnable":true,"consumeFromMinEnable":false,)"
              R"("groupName":"cg","notifyConsumerIdsChangedEnable":true,"retryMaxTimes":5,"retryQueueNums":1,)"
              R"("whichBrokerWhenConsumeSlowly":1})"));
    ASSERT_TRUE(sent) << sent.error().message();
    EXPECT_EQ(sent->group_name, "cg");
    EXPECT_FALSE(sent->consume_broadcast_enable);
    EXPECT_FALSE(sent->consume_from_min_enable);
    EXPECT_EQ(sent->retry_max_times, 5);

    engine::group_config defaults;
    defaults.group_name = "bare";
    const auto bare = parse_subscription_group_config(bytes(R"({"groupName":"bare"})"));
    ASSERT_TRUE(bare);
    EXPECT_EQ(*bare, defaults);
}

TEST(SubscriptionGroupBody, ReadsLeniently) {
    // Strings for numbers and booleans, null as absent, 5.x fields ignored.
    const auto lenient = parse_subscription_group_config(
        bytes(R"({"groupName":"cg","retryMaxTimes":"4","consumeEnable":"false","brokerId":null,)"
              R"("groupRetryPolicy":{"type":"CUSTOMIZED"},"consumeMessageOrderly":true,"attributes":{}})"));
    ASSERT_TRUE(lenient) << lenient.error().message();
    EXPECT_EQ(lenient->retry_max_times, 4);
    EXPECT_FALSE(lenient->consume_enable);
    EXPECT_EQ(lenient->broker_id, 0);
}

TEST(SubscriptionGroupBody, RefusesWhatIsNoConfig) {
    for (const auto* text : {"", "not json", "[]", R"({"retryMaxTimes":3})", R"({"groupName":""})",
                             R"({"groupName":"g","retryMaxTimes":"many"})", R"({"groupName":"g","consumeEnable":{}})",
                             R"({"groupName":"g","retryMaxTimes":4294967296})"}) {
        const auto got = parse_subscription_group_config(bytes(text));
        ASSERT_FALSE(got) << text;
        EXPECT_EQ(got.error(), remoting_errc::malformed_body) << text;
    }
}

TEST(SubscriptionGroupBody, TheWrapperRoundTripsWithGantrysOwnFieldsOnlyWhenSet) {
    subscription_group_wrapper wrapper;
    wrapper.version_counter = 4;
    wrapper.version_timestamp_ms = 1690000000000;
    engine::group_config a;
    a.group_name = "a";
    a.retry_max_times = 2;
    engine::group_config b;
    b.group_name = "b";
    wrapper.groups = {{a, 3, true}, {b, std::nullopt, std::nullopt}};
    const auto text = subscription_group_wrapper_json(wrapper);
    EXPECT_EQ(text.find(' '), std::string::npos) << "not compact: " << text;
    EXPECT_EQ(text.rfind(R"({"dataVersion":{"counter":4,"timestamp":1690000000000},"subscriptionGroupTable":{)", 0),
              0u)
        << text;
    EXPECT_NE(text.find(R"("durable":true)"), std::string::npos) << text;
    EXPECT_EQ(text.find(R"("b":{"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":true,)"
                        R"("consumeFromMinEnable":true,"groupName":"b","notifyConsumerIdsChangedEnable":true,)"
                        R"("retryMaxTimes":16,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1})"),
              text.find(R"("b":)"))
        << "b has no Gantry fields: " << text;

    const auto back = parse_subscription_group_wrapper(bytes(text));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(back->version_counter, 4);
    EXPECT_EQ(back->version_timestamp_ms, 1690000000000);
    ASSERT_EQ(back->groups.size(), 2u);
    EXPECT_EQ(back->groups[0].config, a);
    EXPECT_EQ(back->groups[0].online_consumers, 3);
    EXPECT_EQ(back->groups[0].durable, true);
    EXPECT_EQ(back->groups[1].config, b);
    EXPECT_FALSE(back->groups[1].online_consumers);
    EXPECT_FALSE(back->groups[1].durable);

    EXPECT_FALSE(parse_subscription_group_wrapper(bytes(R"({"subscriptionGroupTable":[]})")));
    const auto empty = parse_subscription_group_wrapper(bytes("{}"));
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->groups.empty());
}

} // namespace
} // namespace gantry::protocols::remoting
