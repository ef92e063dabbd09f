#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "remoting_broker_fixture.hpp"

namespace gantry::protocols::remoting::test {
namespace {

using consumers_test = remoting_broker_fixture;

// A Java push consumer's heartbeat (spec 4.1).
std::string java_heartbeat(const std::string& client_id, const std::string& group) {
    return R"({"clientID":")" + client_id +
           R"(","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY",)"
           R"("groupName":")" + group +
           R"(","messageModel":"CLUSTERING","subscriptionDataSet":[{"classFilterMode":false,"codeSet":[2598919],)"
           R"("expressionType":"TAG","subString":"TagA","subVersion":1690000000123,"tagsSet":["TagA"],"topic":"T1"}],)"
           R"("unitMode":false}],"producerDataSet":[{"groupName":"CLIENT_INNER_PRODUCER"}]})";
}

std::optional<remoting_command> send_heartbeat(remoting_client& client, const std::string& body) {
    return call(client, client.request(request_code::heart_beat, {}, body));
}

// The next NOTIFY_CONSUMER_IDS_CHANGED within `timeout`.
std::optional<remoting_command> next_notification(remoting_client& client, std::chrono::milliseconds timeout = 5s) {
    return next_request(client, request_code::notify_consumer_ids_changed, timeout);
}

// Reads and drops whatever the broker sends within `quiet`.
void drain(remoting_client& client, std::chrono::milliseconds quiet = 200ms) {
    while (client.receive(quiet)) {
    }
}

std::optional<remoting_command> consumer_list(remoting_client& client, const std::string& group) {
    return call(client, client.request(request_code::get_consumer_list_by_group, {{"consumerGroup", group}}));
}

// Polls GET_CONSUMER_LIST_BY_GROUP until its body is `expected` (a closed
// connection leaves on its io thread, a moment after the socket closed).
bool wait_for_list(remoting_client& client, const std::string& group, const std::string& expected) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
        auto answer = consumer_list(client, group);
        if (!answer) return false;
        if (answer->code == response_code::success && body_text(*answer) == expected) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

TEST_F(consumers_test, two_consumers_of_a_group_are_listed_and_the_first_is_told_of_the_second) {
    remoting_client first(port());
    remoting_client second(port());
    auto answer = send_heartbeat(first, java_heartbeat("10.0.0.1@1", "cg"));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::success) << answer->remark.value_or("");
    drain(first);

    answer = send_heartbeat(second, java_heartbeat("10.0.0.2@2", "cg"));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::success);

    auto notification = next_notification(first);
    ASSERT_TRUE(notification);
    EXPECT_TRUE(notification->is_oneway());
    EXPECT_EQ(notification->flag, oneway_flag);
    ASSERT_NE(notification->find_ext("consumerGroup"), nullptr);
    EXPECT_EQ(*notification->find_ext("consumerGroup"), "cg");

    auto list = consumer_list(first, "cg");
    ASSERT_TRUE(list);
    EXPECT_EQ(list->code, response_code::success);
    EXPECT_EQ(body_text(*list), R"({"consumerIdList":["10.0.0.1@1","10.0.0.2@2"]})");

    // A repeated heartbeat changes nothing: no notification.
    drain(first);
    ASSERT_TRUE(send_heartbeat(second, java_heartbeat("10.0.0.2@2", "cg")));
    EXPECT_FALSE(next_notification(first, 300ms));
}

TEST_F(consumers_test, closing_a_connection_removes_its_consumer_and_tells_the_group) {
    remoting_client first(port());
    ASSERT_TRUE(send_heartbeat(first, java_heartbeat("10.0.0.1@1", "cg")));
    {
        remoting_client second(port());
        ASSERT_TRUE(send_heartbeat(second, java_heartbeat("10.0.0.2@2", "cg")));
        ASSERT_TRUE(wait_for_list(first, "cg", R"({"consumerIdList":["10.0.0.1@1","10.0.0.2@2"]})"));
        drain(first);
    }
    EXPECT_TRUE(next_notification(first));
    EXPECT_TRUE(wait_for_list(first, "cg", R"({"consumerIdList":["10.0.0.1@1"]})"));
}

TEST_F(consumers_test, unregister_removes_the_client) {
    remoting_client client(port());
    ASSERT_TRUE(send_heartbeat(client, java_heartbeat("10.0.0.1@1", "cg")));
    auto answer = call(client, client.request(request_code::unregister_client,
                                              {{"clientID", "10.0.0.1@1"}, {"consumerGroup", "cg"}}));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::success);
    auto list = consumer_list(client, "cg");
    ASSERT_TRUE(list);
    EXPECT_EQ(list->code, response_code::system_error);
    EXPECT_EQ(list->remark.value_or(""), "no consumer for this group, cg");
}

TEST_F(consumers_test, cpp_javascript_and_go_heartbeat_shapes_are_accepted) {
    remoting_client client(port());
    // C++: enum ordinals, subVersion as a string, no expressionType, empty sets omitted.
    const std::string cpp =
        R"({"clientID":"10.0.0.3@cpp","consumerDataSet":[{"consumeFromWhere":4,"consumeType":1,"groupName":"cg",)"
        R"("messageModel":1,"subscriptionDataSet":[{"subString":"*","subVersion":"1690000000123","topic":"T1"}]}]})";
    // JavaScript: enum names, subVersion as a number; Go: codeSet elements as strings.
    const std::string js =
        R"({"clientID":"10.0.0.4@js","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_FIRST_OFFSET",)"
        R"("consumeType":"CONSUME_PASSIVELY","groupName":"cg","messageModel":"CLUSTERING","subscriptionDataSet":)"
        R"([{"codeSet":["2598919"],"expressionType":null,"subString":"TagA","subVersion":1690000000124,)"
        R"("tagsSet":["TagA"],"topic":"T1"}],"unitMode":false}],"producerDataSet":[]})";
    for (const auto& body : {cpp, js}) {
        auto answer = send_heartbeat(client, body);
        ASSERT_TRUE(answer);
        EXPECT_EQ(answer->code, response_code::success) << body << ": " << answer->remark.value_or("");
    }
    EXPECT_TRUE(wait_for_list(client, "cg", R"({"consumerIdList":["10.0.0.3@cpp","10.0.0.4@js"]})"));
}

TEST_F(consumers_test, a_heartbeat_that_is_not_json_is_a_system_error) {
    remoting_client client(port());
    auto answer = send_heartbeat(client, "{\"clientID\":");
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::system_error);
    answer = send_heartbeat(client, R"({"clientID":"x","consumerDataSet":{"groupName":"cg"}})");
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::system_error);
}

} // namespace
} // namespace gantry::protocols::remoting::test
