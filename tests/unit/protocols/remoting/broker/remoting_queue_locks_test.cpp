#include <optional>
#include <string>
#include <vector>

#include "remoting_broker_fixture.hpp"

namespace gantry::protocols::remoting::test {
namespace {

using queue_locks_test = remoting_broker_fixture;

// A Java client's LockBatchRequestBody / UnlockBatchRequestBody for queues of T1.
std::string lock_body(const std::string& client_id, const std::vector<int>& queue_ids) {
    std::string mqs;
    for (const auto id : queue_ids) {
        if (!mqs.empty()) mqs += ',';
        mqs += R"({"brokerName":"gantry","queueId":)" + std::to_string(id) + R"(,"topic":"T1"})";
    }
    return R"({"clientId":")" + client_id + R"(","consumerGroup":"cg","mqSet":[)" + mqs + "]}";
}

std::optional<remoting_command> lock(remoting_client& client, const std::string& client_id,
                                     const std::vector<int>& queue_ids) {
    return client.call(client.request(request_code::lock_batch_mq, {}, lock_body(client_id, queue_ids)));
}

std::string lock_ok(const std::vector<int>& queue_ids) {
    std::string mqs;
    for (const auto id : queue_ids) {
        if (!mqs.empty()) mqs += ',';
        mqs += R"({"brokerName":"gantry","queueId":)" + std::to_string(id) + R"(,"topic":"T1"})";
    }
    return R"({"lockOKMQSet":[)" + mqs + "]}";
}

TEST_F(queue_locks_test, a_queue_locked_by_one_client_goes_to_another_after_unlock) {
    remoting_client a(port());
    remoting_client b(port());
    ASSERT_TRUE(a.connected() && b.connected());

    auto answer = lock(a, "10.0.0.1@1", {0, 1});
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::success);
    EXPECT_FALSE(answer->remark);
    EXPECT_EQ(body_text(*answer),
              R"({"lockOKMQSet":[{"brokerName":"gantry","queueId":0,"topic":"T1"},)"
              R"({"brokerName":"gantry","queueId":1,"topic":"T1"}]})");

    answer = lock(b, "10.0.0.2@1", {1, 2});
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::success);
    EXPECT_EQ(body_text(*answer), lock_ok({2}));

    // Go and C++ send their "one-way" unlock with flag 0: answered, no body.
    answer = a.call(a.request(request_code::unlock_batch_mq, {}, lock_body("10.0.0.1@1", {1})));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::success);
    EXPECT_TRUE(answer->body.empty());

    answer = lock(b, "10.0.0.2@1", {1, 2});
    ASSERT_TRUE(answer);
    EXPECT_EQ(body_text(*answer), lock_ok({1, 2}));

    // The holder renews.
    answer = lock(a, "10.0.0.1@1", {0, 1});
    ASSERT_TRUE(answer);
    EXPECT_EQ(body_text(*answer), lock_ok({0}));
}

TEST_F(queue_locks_test, a_java_one_way_unlock_gets_no_response_but_releases) {
    remoting_client a(port());
    ASSERT_TRUE(a.connected());
    ASSERT_TRUE(lock(a, "A", {0}));

    auto unlock = a.request(request_code::unlock_batch_mq, {}, lock_body("A", {0}));
    unlock.flag = oneway_flag;
    ASSERT_TRUE(a.send(unlock));
    // The next frame answers the next request: the one-way one had no response.
    const auto answer = lock(a, "B", {0});
    ASSERT_TRUE(answer);
    EXPECT_NE(answer->opaque, unlock.opaque);
    EXPECT_EQ(body_text(*answer), lock_ok({0}));
}

TEST_F(queue_locks_test, an_empty_set_and_a_malformed_body) {
    remoting_client a(port());
    ASSERT_TRUE(a.connected());
    auto answer = lock(a, "A", {});
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::success);
    EXPECT_EQ(body_text(*answer), R"({"lockOKMQSet":[]})");

    answer = a.call(a.request(request_code::lock_batch_mq, {}, "not json"));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::system_error);
    answer = a.call(a.request(request_code::unlock_batch_mq, {}, ""));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::system_error);
}

} // namespace
} // namespace gantry::protocols::remoting::test
