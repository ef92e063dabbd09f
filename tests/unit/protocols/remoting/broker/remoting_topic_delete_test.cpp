#include <chrono>
#include <optional>
#include <string>

#include "remoting_broker_fixture.hpp"

namespace gantry::protocols::remoting::test {
namespace {

using topic_delete_test = remoting_broker_fixture;

std::optional<remoting_command> delete_in_broker(remoting_client& client, ext_field_map header) {
    return client.call(client.request(request_code::delete_topic_in_broker, std::move(header)));
}

std::optional<remoting_command> create(remoting_client& client, const std::string& topic) {
    return client.call(client.request(request_code::update_and_create_topic,
                                      {{"topic", topic}, {"defaultTopic", "TBW102"}, {"readQueueNums", "2"},
                                       {"writeQueueNums", "2"}, {"perm", "6"}, {"topicFilterType", "SINGLE_TAG"}}));
}

TEST_F(topic_delete_test, a_deleted_topic_leaves_the_table_its_route_and_can_no_longer_be_pulled) {
    remoting_client client(port());
    ASSERT_EQ(create(client, "Doomed")->code, response_code::success);
    ASSERT_EQ(client.call(send_v2(client, "Doomed", "x"))->code, response_code::success);
    ASSERT_TRUE(wait_for_max_offset(client, "Doomed", 1));
    ASSERT_EQ(client.call(client.request(request_code::update_consumer_offset,
                                         {{"consumerGroup", "g"}, {"topic", "Doomed"}, {"queueId", "0"},
                                          {"commitOffset", "1"}}))
                  ->code,
              response_code::success);

    auto answer = delete_in_broker(client, {{"topic", "Doomed"}});
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::success) << answer->remark.value_or("");
    EXPECT_FALSE(answer->remark);

    auto config = client.call(client.request(request_code::get_all_topic_config, {}));
    ASSERT_TRUE(config);
    EXPECT_EQ(body_text(*config).find("\"Doomed\""), std::string::npos) << body_text(*config);
    // One-process mode: the embedded name server learnt it before the answer.
    auto route = client.call(client.request(request_code::get_routeinfo_by_topic, {{"topic", "Doomed"}}));
    ASSERT_TRUE(route);
    EXPECT_EQ(route->code, response_code::topic_not_exist);
    auto pulled = client.call(pull(client, "Doomed", 0));
    ASSERT_TRUE(pulled);
    EXPECT_EQ(pulled->code, response_code::topic_not_exist);
    auto offset = client.call(client.request(request_code::query_consumer_offset,
                                             {{"consumerGroup", "g"}, {"topic", "Doomed"}, {"queueId", "0"}}));
    ASSERT_TRUE(offset);
    EXPECT_NE(offset->find_ext("offset") ? *offset->find_ext("offset") : std::string(), "1")
        << "the group's committed offset outlived the topic";
}

TEST_F(topic_delete_test, a_pull_held_on_a_deleted_topic_answers_at_once_as_for_a_topic_that_does_not_exist) {
    remoting_client admin(port());
    remoting_client consumer(port());
    ASSERT_EQ(create(admin, "Waited")->code, response_code::success);
    // Suspend and subscription bits, held up to 20 s.
    const auto held = pull(consumer, "Waited", 0, 6, 20'000);
    ASSERT_TRUE(consumer.send(held));
    ASSERT_FALSE(consumer.receive(300ms)) << "the pull of an empty queue was not held";

    const auto deleted_at = std::chrono::steady_clock::now();
    ASSERT_EQ(delete_in_broker(admin, {{"topic", "Waited"}})->code, response_code::success);
    auto answer = consumer.receive(3s);
    ASSERT_TRUE(answer) << "the held pull was not answered after the delete";
    EXPECT_LT(std::chrono::steady_clock::now() - deleted_at, 2s);
    EXPECT_EQ(answer->opaque, held.opaque);
    EXPECT_EQ(answer->code, response_code::topic_not_exist);
    auto fresh = consumer.call(pull(consumer, "Waited", 0, 6, 20'000));
    ASSERT_TRUE(fresh);
    EXPECT_EQ(fresh->code, response_code::topic_not_exist);
    EXPECT_EQ(answer->remark, fresh->remark) << "not the answer a pull of a missing topic gets";
}

TEST_F(topic_delete_test, blank_invalid_and_system_topics_are_refused_with_javas_remarks) {
    remoting_client client(port());
    auto missing = delete_in_broker(client, {});
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->code, response_code::system_error);
    auto blank = delete_in_broker(client, {{"topic", ""}});
    ASSERT_TRUE(blank);
    EXPECT_EQ(blank->code, response_code::system_error);
    EXPECT_EQ(blank->remark.value_or(""), "The specified topic is blank.");
    auto invalid = delete_in_broker(client, {{"topic", "a/b"}});
    ASSERT_TRUE(invalid);
    EXPECT_EQ(invalid->code, response_code::system_error);
    EXPECT_EQ(invalid->remark.value_or(""),
              "The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$");
    auto system = delete_in_broker(client, {{"topic", "TBW102"}});
    ASSERT_TRUE(system);
    EXPECT_EQ(system->code, response_code::system_error);
    EXPECT_EQ(system->remark.value_or(""), "The topic[TBW102] is conflict with system topic.");
    ASSERT_TRUE(engine_->find_topic("TBW102"));
}

TEST_F(topic_delete_test, an_unknown_topic_is_success_as_in_java_with_a_remark_that_nothing_was_deleted) {
    remoting_client client(port());
    auto answer = delete_in_broker(client, {{"topic", "NeverThere"}});
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::success);
    EXPECT_NE(answer->remark.value_or("").find("does not exist on this broker"), std::string::npos);
}

TEST_F(topic_delete_test, delete_topic_in_namesrv_drops_the_route_and_wants_a_topic) {
    remoting_client client(port());
    ASSERT_EQ(create(client, "Routed")->code, response_code::success);
    auto before = client.call(client.request(request_code::get_routeinfo_by_topic, {{"topic", "Routed"}}));
    ASSERT_EQ(before->code, response_code::success);
    auto answer = client.call(client.request(request_code::delete_topic_in_namesrv, {{"topic", "Routed"}}));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::success);
    EXPECT_FALSE(name_server_.routes().route("Routed"));
    auto blank = client.call(client.request(request_code::delete_topic_in_namesrv, {}));
    ASSERT_TRUE(blank);
    EXPECT_EQ(blank->code, response_code::system_error);
}

} // namespace
} // namespace gantry::protocols::remoting::test
