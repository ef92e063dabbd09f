#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <string_view>
#include <vector>

#include "../../../../../protocols/remoting/src/lock_batch_body.hpp"
#include "../../../../../protocols/remoting/src/queue_lock_table.hpp"

namespace gantry::protocols::remoting::test {
namespace {

using namespace std::chrono_literals;

std::vector<message_queue> queues(std::initializer_list<std::int32_t> ids) {
    std::vector<message_queue> out;
    for (const auto id : ids) out.push_back({"T", "b", id});
    return out;
}

result<lock_batch_request> parse(std::string_view text) {
    return parse_lock_batch_request({reinterpret_cast<const std::byte*>(text.data()), text.size()});
}

TEST(queue_lock_table_test, another_client_is_refused_until_the_holder_unlocks) {
    queue_lock_table table;
    EXPECT_EQ(table.lock("g", "A", queues({0, 1})), queues({0, 1}));
    EXPECT_EQ(table.lock("g", "B", queues({1, 2})), queues({2}));
    table.unlock("g", "B", queues({0})); // not B's: kept
    table.unlock("g", "A", queues({1}));
    EXPECT_EQ(table.lock("g", "B", queues({0, 1, 2})), queues({1, 2}));
    // Locks are per group.
    EXPECT_EQ(table.lock("other", "C", queues({0, 1})), queues({0, 1}));
}

TEST(queue_lock_table_test, the_holder_renews_and_an_expired_lock_is_taken_over) {
    queue_lock_table table(10s);
    const auto start = queue_lock_table::clock::now();
    EXPECT_EQ(table.lock("g", "A", queues({0}), start), queues({0}));
    EXPECT_TRUE(table.lock("g", "B", queues({0}), start + 10s).empty()); // exactly the expiry: still held
    EXPECT_EQ(table.lock("g", "A", queues({0}), start + 8s), queues({0})); // renewed
    EXPECT_TRUE(table.lock("g", "B", queues({0}), start + 15s).empty());
    EXPECT_EQ(table.lock("g", "B", queues({0}), start + 18s + 1ms), queues({0}));
    EXPECT_TRUE(table.lock("g", "A", queues({0}), start + 19s).empty());
}

TEST(queue_lock_table_test, the_default_expiry_is_java_s_60_seconds) {
    queue_lock_table table;
    const auto start = queue_lock_table::clock::now();
    table.lock("g", "A", queues({0}), start);
    EXPECT_TRUE(table.lock("g", "B", queues({0}), start + 60s).empty());
    EXPECT_EQ(table.lock("g", "B", queues({0}), start + 60s + 1ms), queues({0}));
}

TEST(queue_lock_table_test, duplicates_are_answered_once) {
    queue_lock_table table;
    EXPECT_EQ(table.lock("g", "A", queues({3, 3, 0})), queues({3, 0}));
}

TEST(queue_lock_table_test, request_bodies_of_4_x_and_5_x) {
    const auto v4 = parse(R"({"clientId":"c@1","consumerGroup":"g","mqSet":[{"brokerName":"b","queueId":2,"topic":"T"}]})");
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->client_id, "c@1");
    EXPECT_EQ(v4->consumer_group, "g");
    EXPECT_EQ(v4->queues, queues({2}));
    const auto v5 = parse(R"({"clientId":"c","consumerGroup":"g","mqSet":[{"brokerName":"b","queueId":"7","topic":"T"}],)"
                          R"("onlyThisBroker":false})");
    ASSERT_TRUE(v5);
    EXPECT_EQ(v5->queues, queues({7}));
    const auto empty = parse(R"({"clientId":"c","consumerGroup":"g","mqSet":[]})");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->queues.empty());
}

TEST(queue_lock_table_test, malformed_request_bodies_are_refused) {
    EXPECT_FALSE(parse(""));
    EXPECT_FALSE(parse("[]"));
    EXPECT_FALSE(parse(R"({"mqSet":{}})"));
    EXPECT_FALSE(parse(R"({"mqSet":[1]})"));
    EXPECT_FALSE(parse(R"({"mqSet":[{"queueId":"x"}]})"));
    EXPECT_FALSE(parse(R"({"mqSet":[{"queueId":4294967296}]})"));
}

TEST(queue_lock_table_test, response_body_is_fastjson_s) {
    EXPECT_EQ(lock_ok_json({}), R"({"lockOKMQSet":[]})");
    EXPECT_EQ(lock_ok_json({{"T\"1", "b", 0}, {"T", "b", 1}}),
              R"({"lockOKMQSet":[{"brokerName":"b","queueId":0,"topic":"T\"1"},{"brokerName":"b","queueId":1,"topic":"T"}]})");
}

} // namespace
} // namespace gantry::protocols::remoting::test
