#include <string>

#include "remoting_broker_fixture.hpp"

namespace gantry::protocols::remoting::test {
namespace {

using nameserver_test = remoting_broker_fixture;

// The same broker with autoCreateTopicEnable = false.
class nameserver_without_auto_create_test : public remoting_broker_fixture {
protected:
    nameserver_without_auto_create_test() { core_config_.auto_create_topic_enable = false; }
};

std::optional<remoting_command> route(remoting_client& client, const std::string& topic) {
    return client.call(client.request(request_code::get_routeinfo_by_topic, {{"topic", topic}}));
}

// The route of a topic on the fixture's broker (broker_identity's defaults).
std::string expected_route(int queues, int perm) {
    return R"({"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:10911"},"brokerName":"gantry","cluster":"DefaultCluster",)"
           R"("enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"gantry","perm":)" +
           std::to_string(perm) + R"(,"readQueueNums":)" + std::to_string(queues) +
           R"(,"topicSysFlag":0,"writeQueueNums":)" + std::to_string(queues) + "}]}";
}

TEST_F(nameserver_test, route_of_a_declared_topic_is_byte_exact) {
    ASSERT_FALSE(engine_->topics().create_or_update({"TopicR", 4, 4, core::perm_read | core::perm_write, 0, false}));
    remoting_client client(port());
    auto answer = route(client, "TopicR");
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->code, response_code::success) << answer->remark.value_or("");
    EXPECT_EQ(body_text(*answer), expected_route(4, 6));
}

TEST_F(nameserver_test, retry_topic_route_exists_after_the_groups_heartbeat) {
    remoting_client client(port());
    auto before = route(client, "%RETRY%cg");
    ASSERT_TRUE(before);
    EXPECT_EQ(before->code, response_code::topic_not_exist);
    auto hb = client.call(client.request(request_code::heart_beat, {},
                                         R"({"clientID":"c@1","consumerDataSet":[{"groupName":"cg"}]})"));
    // The joining client may be told of its own arrival before the response.
    while (hb && hb->is_response() == false) hb = client.receive();
    ASSERT_TRUE(hb);
    ASSERT_EQ(hb->code, response_code::success);
    auto answer = route(client, "%RETRY%cg");
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->code, response_code::success) << answer->remark.value_or("");
    EXPECT_EQ(body_text(*answer), expected_route(1, 6));
}

TEST_F(nameserver_test, tbw102_has_a_route_while_auto_create_is_on) {
    remoting_client client(port());
    auto answer = route(client, "TBW102");
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->code, response_code::success);
    EXPECT_EQ(body_text(*answer), expected_route(8, 7));
    // An unknown topic still has no route: producers fall back to TBW102.
    auto unknown = route(client, "NoSuchTopic");
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->code, response_code::topic_not_exist);
}

TEST_F(nameserver_without_auto_create_test, unknown_topic_and_tbw102_have_no_route) {
    remoting_client client(port());
    for (const std::string topic : {"NoSuchTopic", "TBW102"}) {
        auto answer = route(client, topic);
        ASSERT_TRUE(answer);
        EXPECT_EQ(answer->code, response_code::topic_not_exist);
        EXPECT_EQ(answer->remark.value_or(""), "No topic route info in name server for the topic: " + topic);
        EXPECT_TRUE(answer->body.empty());
    }
}

TEST_F(nameserver_test, cluster_info_names_this_broker) {
    remoting_client client(port());
    auto answer = client.call(client.request(request_code::get_broker_cluster_info, {}));
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->code, response_code::success);
    EXPECT_EQ(body_text(*answer),
              R"({"brokerAddrTable":{"gantry":{"brokerAddrs":{"0":"127.0.0.1:10911"},"brokerName":"gantry",)"
              R"("cluster":"DefaultCluster"}},"clusterAddrTable":{"DefaultCluster":["gantry"]}})");
}

TEST_F(nameserver_test, topic_list_contains_declared_and_system_topics) {
    ASSERT_FALSE(engine_->topics().create_or_update({"TopicL", 2, 2, core::perm_read | core::perm_write, 0, false}));
    remoting_client client(port());
    auto answer = client.call(client.request(request_code::get_all_topic_list_from_nameserver, {}));
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->code, response_code::success);
    const auto body = body_text(*answer);
    EXPECT_TRUE(body.starts_with(R"({"topicList":[)")) << body;
    EXPECT_NE(body.find(R"("TopicL")"), std::string::npos) << body;
    EXPECT_NE(body.find(R"("TBW102")"), std::string::npos) << body;
}

TEST_F(nameserver_test, kv_config_is_never_found) {
    remoting_client client(port());
    auto answer = client.call(client.request(request_code::get_kv_config, {{"namespace", "LMQ"}, {"key", "k"}}));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::query_not_found);
    EXPECT_EQ(answer->remark.value_or(""), "No config item, Namespace: LMQ Key: k");
}

} // namespace
} // namespace gantry::protocols::remoting::test
