#include <gtest/gtest.h>

#include <cstddef>
#include <string_view>

#include "../../../../../protocols/remoting/src/heartbeat_data.hpp"

namespace gantry::protocols::remoting::test {
namespace {

result<heartbeat_data> parse_heartbeat(std::string_view text) {
    return parse_heartbeat_data({reinterpret_cast<const std::byte*>(text.data()), text.size()});
}

TEST(heartbeat_data_test, cpp_ordinals_and_string_sub_version) {
    const auto data = parse_heartbeat(
        R"({"clientID":"c","consumerDataSet":[{"consumeFromWhere":5,"consumeType":0,"groupName":"g",)"
        R"("messageModel":0,"subscriptionDataSet":[{"subString":"a || b","subVersion":"17","topic":"T",)"
        R"("tagsSet":["a","b"],"codeSet":[97,98]}]}]})");
    ASSERT_TRUE(data);
    EXPECT_EQ(data->client_id, "c");
    EXPECT_TRUE(data->producer_groups.empty());
    ASSERT_EQ(data->consumers.size(), 1u);
    const auto& c = data->consumers[0];
    EXPECT_EQ(c.group_name, "g");
    EXPECT_EQ(c.type, consume_type::actively);
    EXPECT_EQ(c.model, message_model::broadcasting);
    EXPECT_EQ(c.from_where, consume_from_where::timestamp);
    ASSERT_EQ(c.subscriptions.size(), 1u);
    EXPECT_EQ(c.subscriptions[0].sub_version, 17);
    EXPECT_EQ(c.subscriptions[0].expression_type, "TAG");
    EXPECT_EQ(c.subscriptions[0].code_set, (std::vector<std::int32_t>{97, 98}));
}

TEST(heartbeat_data_test, names_numbers_and_go_string_codes) {
    const auto data = parse_heartbeat(
        R"({"clientID":"js","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_MIN_OFFSET",)"
        R"("consumeType":"CONSUME_POP","groupName":"g","messageModel":"CLUSTERING","subscriptionDataSet":)"
        R"([{"codeSet":["-5"],"expressionType":"SQL92","subString":"a > 1","subVersion":1690000000124,"topic":"T"}]}],)"
        R"("producerDataSet":[{"groupName":"pg"}],"heartbeatFingerprint":0})");
    ASSERT_TRUE(data);
    EXPECT_EQ(data->producer_groups, (std::vector<std::string>{"pg"}));
    const auto& c = data->consumers.at(0);
    EXPECT_EQ(c.type, consume_type::pop);
    EXPECT_EQ(c.model, message_model::clustering);
    EXPECT_EQ(c.from_where, consume_from_where::min_offset);
    EXPECT_EQ(c.subscriptions.at(0).sub_version, 1690000000124);
    EXPECT_EQ(c.subscriptions.at(0).expression_type, "SQL92");
    EXPECT_EQ(c.subscriptions.at(0).code_set, (std::vector<std::int32_t>{-5}));
}

TEST(heartbeat_data_test, empty_body_registers_nothing_and_bad_shapes_fail) {
    EXPECT_TRUE(parse_heartbeat(""));
    EXPECT_EQ(parse_heartbeat("[1]").error(), remoting_errc::malformed_body);
    EXPECT_EQ(parse_heartbeat(R"({"consumerDataSet":[{"subscriptionDataSet":[{"subVersion":"x"}]}]})").error(),
              remoting_errc::malformed_body);
}

} // namespace
} // namespace gantry::protocols::remoting::test
