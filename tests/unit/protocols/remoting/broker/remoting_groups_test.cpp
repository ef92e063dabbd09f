#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "gantry/protocols/remoting/reset_offset_body.hpp"
#include "remoting_broker_fixture.hpp"

namespace gantry::protocols::remoting::test {
namespace {

using groups_test = remoting_broker_fixture;
using json = nlohmann::json;

std::optional<remoting_command> heartbeat(remoting_client& client, const std::string& client_id,
                                          const std::string& group, const std::string& topic,
                                          const std::string& language = "JAVA") {
    auto request = client.request(request_code::heart_beat, {}, consumer_heartbeat(client_id, group, topic));
    request.language = language;
    return call(client, request);
}

std::optional<remoting_command> commit(remoting_client& client, const std::string& group, const std::string& topic,
                                       std::int32_t queue, std::int64_t offset) {
    return call(client, client.request(request_code::update_consumer_offset,
                                       {{"consumerGroup", group},
                                        {"topic", topic},
                                        {"queueId", std::to_string(queue)},
                                        {"commitOffset", std::to_string(offset)}}));
}

json group_table(remoting_client& client) {
    auto answer = call(client, client.request(request_code::get_all_subscriptiongroup_config, {}));
    if (!answer || answer->code != response_code::success) return json();
    return json::parse(body_text(*answer), nullptr, false);
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

TEST_F(groups_test, all_subscription_groups_lists_online_and_committed_groups_in_rocketmqs_shape) {
    remoting_client consumer(port());
    ASSERT_EQ(heartbeat(consumer, "10.0.0.1@1", "online-group", "TopicG")->code, response_code::success);
    ASSERT_EQ(call(consumer, send_v2(consumer, "TopicG", "x"))->code, response_code::success);
    ASSERT_EQ(commit(consumer, "offline-group", "TopicG", 0, 1)->code, response_code::success);

    remoting_client admin(port());
    auto answer = call(admin, admin.request(request_code::get_all_subscriptiongroup_config, {}));
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->code, response_code::success) << answer->remark.value_or("");
    const auto text = body_text(*answer);
    const auto body = json::parse(text, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << text;
    EXPECT_EQ(text.find(' '), std::string::npos) << "not compact: " << text;
    EXPECT_LT(text.find("\"dataVersion\""), text.find("\"subscriptionGroupTable\"")) << "keys not alphabetical";
    // No settings stored yet: the table's version is where it started.
    EXPECT_EQ(body["dataVersion"]["counter"], 0);
    EXPECT_GT(body["dataVersion"]["timestamp"].get<std::int64_t>(), 0);
    EXPECT_LE(body["dataVersion"]["timestamp"].get<std::int64_t>(), now_ms());

    const auto& online = body["subscriptionGroupTable"]["online-group"];
    ASSERT_TRUE(online.is_object()) << text;
    EXPECT_EQ(online, json::parse(R"({"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":true,)"
                                  R"("consumeFromMinEnable":true,"durable":true,"groupName":"online-group",)"
                                  R"("notifyConsumerIdsChangedEnable":true,"onlineConsumers":1,"retryMaxTimes":16,)"
                                  R"("retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1})"));
    const auto& offline = body["subscriptionGroupTable"]["offline-group"];
    ASSERT_TRUE(offline.is_object()) << text;
    EXPECT_EQ(offline["onlineConsumers"], 0);
    EXPECT_EQ(offline["durable"], true);
}

TEST_F(groups_test, delete_subscriptiongroup_refuses_a_group_with_consumers_online_then_forgets_it) {
    remoting_client consumer(port());
    ASSERT_EQ(heartbeat(consumer, "10.0.0.1@1", "doomed-group", "TopicD")->code, response_code::success);
    ASSERT_EQ(call(consumer, send_v2(consumer, "TopicD", "x"))->code, response_code::success);
    ASSERT_EQ(commit(consumer, "doomed-group", "TopicD", 0, 1)->code, response_code::success);
    ASSERT_TRUE(engine_->find_topic("%RETRY%doomed-group"));

    remoting_client admin(port());
    auto refused = call(admin, admin.request(request_code::delete_subscriptiongroup, {{"groupName", "doomed-group"}}));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, response_code::system_error);
    EXPECT_NE(refused->remark.value_or("").find("10.0.0.1@1"), std::string::npos) << refused->remark.value_or("");

    ASSERT_EQ(call(consumer, consumer.request(request_code::unregister_client,
                                              {{"clientID", "10.0.0.1@1"}, {"consumerGroup", "doomed-group"}}))
                  ->code,
              response_code::success);
    auto deleted = call(admin, admin.request(request_code::delete_subscriptiongroup,
                                             {{"groupName", "doomed-group"}, {"cleanOffset", "true"}}));
    ASSERT_TRUE(deleted);
    EXPECT_EQ(deleted->code, response_code::success) << deleted->remark.value_or("");
    EXPECT_FALSE(deleted->remark);
    EXPECT_FALSE(group_table(admin)["subscriptionGroupTable"].contains("doomed-group"));
    EXPECT_FALSE(engine_->committed_offset("doomed-group", "TopicD", 0));
    EXPECT_FALSE(engine_->find_topic("%RETRY%doomed-group"));

    auto unknown = call(admin, admin.request(request_code::delete_subscriptiongroup, {{"groupName", "doomed-group"}}));
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->code, response_code::success);
    EXPECT_NE(unknown->remark.value_or("").find("not known"), std::string::npos);
    auto missing = call(admin, admin.request(request_code::delete_subscriptiongroup, {}));
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->code, response_code::system_error);
}

TEST_F(groups_test, reset_offset_tells_each_online_consumer_in_its_languages_body_and_commits) {
    remoting_client producer(port());
    for (int i = 0; i < 4; ++i) ASSERT_EQ(call(producer, send_v2(producer, "TopicR", "early"))->code, response_code::success);
    ASSERT_TRUE(wait_for_max_offset(producer, "TopicR", 4));
    std::this_thread::sleep_for(20ms);
    const auto boundary = now_ms();
    std::this_thread::sleep_for(20ms);
    for (int i = 0; i < 2; ++i) ASSERT_EQ(call(producer, send_v2(producer, "TopicR", "late"))->code, response_code::success);
    ASSERT_TRUE(wait_for_max_offset(producer, "TopicR", 6));

    remoting_client java(port());
    remoting_client cpp(port());
    ASSERT_EQ(heartbeat(java, "10.0.0.1@1", "resetting", "TopicR")->code, response_code::success);
    ASSERT_EQ(heartbeat(cpp, "10.0.0.2@2", "resetting", "TopicR", "CPP")->code, response_code::success);
    ASSERT_EQ(commit(java, "resetting", "TopicR", 0, 6)->code, response_code::success);
    ASSERT_FALSE(engine_->committed_offset("resetting", "TopicR", 1)) << "queue 1 starts without a committed offset";

    remoting_client admin(port());
    auto answer = call(admin, admin.request(request_code::invoke_broker_to_reset_offset,
                                            {{"topic", "TopicR"},
                                             {"group", "resetting"},
                                             {"timestamp", std::to_string(boundary)},
                                             {"isForce", "true"}}));
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->code, response_code::success) << answer->remark.value_or("");
    // The send puts everything in queue 0; the topic was created with 4 queues.
    const auto expected = reset_offset_body({{"TopicR", "gantry", 0, 4}, {"TopicR", "gantry", 1, 0},
                                             {"TopicR", "gantry", 2, 0}, {"TopicR", "gantry", 3, 0}});
    EXPECT_EQ(body_text(*answer), expected);
    EXPECT_EQ(engine_->committed_offset("resetting", "TopicR", 0), 4);
    EXPECT_EQ(engine_->committed_offset("resetting", "TopicR", 1), 0);

    auto told_java = next_request(java, request_code::reset_consumer_client_offset);
    ASSERT_TRUE(told_java) << "the Java consumer was not told";
    EXPECT_TRUE(told_java->is_oneway());
    EXPECT_EQ(told_java->serialization, serialization_type::json);
    EXPECT_EQ(*told_java->find_ext("topic"), "TopicR");
    EXPECT_EQ(*told_java->find_ext("group"), "resetting");
    EXPECT_EQ(*told_java->find_ext("timestamp"), std::to_string(boundary));
    EXPECT_EQ(body_text(*told_java), expected);
    auto told_cpp = next_request(cpp, request_code::reset_consumer_client_offset);
    ASSERT_TRUE(told_cpp) << "the C++ consumer was not told";
    EXPECT_EQ(body_text(*told_cpp), R"({"offsetTable":[{"brokerName":"gantry","offset":4,"queueId":0,"topic":"TopicR"},)"
                                    R"({"brokerName":"gantry","offset":0,"queueId":1,"topic":"TopicR"},)"
                                    R"({"brokerName":"gantry","offset":0,"queueId":2,"topic":"TopicR"},)"
                                    R"({"brokerName":"gantry","offset":0,"queueId":3,"topic":"TopicR"}]})");

    // Not forced, a time after the committed offset keeps the committed one.
    ASSERT_EQ(commit(java, "resetting", "TopicR", 0, 5)->code, response_code::success);
    auto kept = call(admin, admin.request(request_code::invoke_broker_to_reset_offset,
                                          {{"topic", "TopicR"}, {"group", "resetting"}, {"timestamp", "-1"},
                                           {"isForce", "false"}}));
    ASSERT_TRUE(kept);
    ASSERT_EQ(kept->code, response_code::success);
    const auto kept_offsets = parse_reset_offset_body(kept->body);
    ASSERT_TRUE(kept_offsets);
    EXPECT_EQ(kept_offsets->front().offset, 5);
}

TEST_F(groups_test, reset_offset_without_consumers_online_or_of_an_unknown_topic_gets_rocketmqs_codes) {
    remoting_client client(port());
    ASSERT_EQ(call(client, send_v2(client, "TopicN", "x"))->code, response_code::success);
    const ext_field_map header{{"topic", "TopicN"}, {"group", "nobody"}, {"timestamp", "0"}, {"isForce", "true"}};
    ASSERT_EQ(commit(client, "nobody", "TopicN", 0, 1)->code, response_code::success);
    auto offline = call(client, client.request(request_code::invoke_broker_to_reset_offset, header));
    ASSERT_TRUE(offline);
    EXPECT_EQ(offline->code, response_code::consumer_not_online);
    EXPECT_EQ(offline->remark.value_or(""),
              "Consumer not online, so can not reset offset, Group: nobody Topic: TopicN Timestamp: 0");
    EXPECT_EQ(engine_->committed_offset("nobody", "TopicN", 0), 1) << "a refused reset changed the offset";

    auto unknown = call(client, client.request(request_code::invoke_broker_to_reset_offset,
                                               {{"topic", "Nope"}, {"group", "nobody"}, {"timestamp", "0"}}));
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->code, response_code::system_error);
    EXPECT_EQ(unknown->remark.value_or(""), "[reset-offset] reset offset failed, no topic in this broker. topic=Nope");
}

} // namespace
} // namespace gantry::protocols::remoting::test
