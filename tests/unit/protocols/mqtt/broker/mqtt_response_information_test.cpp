// Response Information (5.0 property 0x1A): mqtt.responseTopicPrefix, what
// a client gets from it, and CONNACK carrying it only when asked.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "gantry/protocols/mqtt/response_topic.hpp"
#include "mqtt_session_fixture.hpp"

namespace gantry::protocols::mqtt::test {
namespace {

connect_packet requesting_response_information(std::uint8_t wanted) {
    connect_packet c;
    c.properties.request_response_information = wanted;
    return c;
}

class MqttResponseInformationTest : public MqttSessionTest {};

TEST(response_topic, each_percent_c_becomes_the_client_id) {
    EXPECT_EQ(response_information("responses/%c/", "dev-7"), "responses/dev-7/");
    EXPECT_EQ(response_information("r/%c/x/%c", "a b"), "r/a b/x/a b");
    EXPECT_EQ(response_information("", "dev-7"), std::nullopt) << "an empty prefix turns it off";
}

TEST(response_topic, a_client_id_that_cannot_stand_in_one_level_gets_none) {
    // "a/b" would be handed client a's subtree, and wildcards make no topic name.
    for (const auto* id : {"a/b", "a+", "#"}) EXPECT_EQ(response_information("responses/%c/", id), std::nullopt) << id;
    EXPECT_EQ(response_information("responses/%c/", std::string(65'535, 'x')), std::nullopt) << "past 65535 bytes";
}

TEST(response_topic, the_prefix_must_give_each_client_its_own_topics_under_one_engine_topic) {
    EXPECT_EQ(response_topic_prefix_problem(""), std::nullopt);
    EXPECT_EQ(response_topic_prefix_problem("responses/%c/"), std::nullopt);
    EXPECT_EQ(response_topic_prefix_problem("replies/to-%c"), std::nullopt);
    for (const auto* bad : {"responses/", "%c/responses", "resp-%c/x", "$responses/%c", "responses/+/%c",
                            "responses/#", "TBW102/%c"})
        EXPECT_NE(response_topic_prefix_problem(bad), std::nullopt) << bad;
}

TEST_F(MqttResponseInformationTest, ResponseInformationOnlyWhenRequested) {
    listen();
    auto asking = client();
    EXPECT_EQ(asking->connect("asker", requesting_response_information(1)).properties.response_information,
              "responses/asker/");
    auto declining = client();
    EXPECT_EQ(declining->connect("decliner", requesting_response_information(0)).properties.response_information,
              std::nullopt);
    auto silent = client();
    EXPECT_EQ(silent->connect("silent").properties.response_information, std::nullopt);
    auto slashed = client();
    EXPECT_EQ(slashed->connect("site/7", requesting_response_information(1)).properties.response_information,
              std::nullopt);
}

TEST_F(MqttResponseInformationTest, ResponseInformationFollowsTheConfiguredPrefix) {
    mqtt_options options;
    options.response_topic_prefix = "replies/to-%c";
    listen(options);
    auto c = client();
    EXPECT_EQ(c->connect("dev-7", requesting_response_information(1)).properties.response_information,
              "replies/to-dev-7");
}

TEST_F(MqttResponseInformationTest, NoResponseInformationWithAnEmptyPrefix) {
    mqtt_options options;
    options.response_topic_prefix.clear();
    listen(options);
    auto c = client();
    EXPECT_EQ(c->connect("dev-8", requesting_response_information(1)).properties.response_information, std::nullopt);
}

} // namespace
} // namespace gantry::protocols::mqtt::test
