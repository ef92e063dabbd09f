#include <chrono>
#include <string>
#include <thread>

#include "gantry/store/message_record.hpp"
#include "remoting_broker_fixture.hpp"

namespace gantry::protocols::remoting::test {
namespace {

using broker_test = remoting_broker_fixture;

TEST_F(broker_test, send_v2_then_pull_returns_the_stored_message) {
    remoting_client client(port());
    ASSERT_TRUE(client.connected());
    const auto properties = std::string("KEYS\x01k1\x02TAGS\x01tagA\x02UNIQ_KEY\x01u-1\x02");
    auto sent = client.call(send_v2(client, "TopicA", "hello", properties));
    ASSERT_TRUE(sent);
    EXPECT_TRUE(sent->is_response());
    EXPECT_EQ(sent->code, response_code::success) << sent->remark.value_or("");
    EXPECT_EQ(sent->opaque, 1);
    EXPECT_EQ(sent->version, broker_version);
    EXPECT_EQ(ext(*sent, "queueId"), "0");
    EXPECT_EQ(ext(*sent, "queueOffset"), "0");
    EXPECT_EQ(ext(*sent, "MSG_REGION"), "DefaultRegion");
    EXPECT_EQ(ext(*sent, "TRACE_ON"), "true");
    EXPECT_EQ(ext(*sent, "msgId").size(), 32u);

    // Suspend bit: the pull waits for the message to reach the consume queue.
    auto pulled = client.call(pull(client, "TopicA", 0, 0x2 | 0x4, 3000));
    ASSERT_TRUE(pulled);
    EXPECT_EQ(pulled->opaque, 2);
    ASSERT_EQ(pulled->code, response_code::success) << pulled->remark.value_or("");
    EXPECT_EQ(ext(*pulled, "nextBeginOffset"), "1");
    EXPECT_EQ(ext(*pulled, "minOffset"), "0");
    EXPECT_EQ(ext(*pulled, "maxOffset"), "1");
    EXPECT_EQ(ext(*pulled, "suggestWhichBrokerId"), "0");
    const auto record = store::decode_record(pulled->body);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->total_size, static_cast<std::int32_t>(pulled->body.size()));
    EXPECT_EQ(store::as_chars(record->body), "hello");
    EXPECT_EQ(record->topic, "TopicA");
    EXPECT_EQ(record->born_timestamp, 1700000000000);
    EXPECT_NE(record->properties.find("KEYS\x01k1\x02"), std::string_view::npos);
    EXPECT_NE(record->properties.find("TAGS\x01tagA\x02"), std::string_view::npos);
    EXPECT_NE(record->properties.find("UNIQ_KEY\x01u-1\x02"), std::string_view::npos);
    EXPECT_NE(record->properties.find("CLUSTER\x01"), std::string_view::npos);
    EXPECT_FALSE(record->born_host.is_v6);
    EXPECT_EQ(record->born_host.bytes[0], 127);
    EXPECT_EQ(record->born_host.bytes[3], 1);
}

TEST_F(broker_test, send_v1_uses_long_header_names) {
    remoting_client client(port());
    auto sent = client.call(client.request(request_code::send_message,
                                           {{"producerGroup", "p"}, {"topic", "TopicV1"}, {"defaultTopic", "TBW102"},
                                            {"defaultTopicQueueNums", "4"}, {"queueId", "0"}, {"sysFlag", "0"},
                                            {"bornTimestamp", "1"}, {"flag", "0"}},
                                           "v1"));
    ASSERT_TRUE(sent);
    EXPECT_EQ(sent->code, response_code::success) << sent->remark.value_or("");
    EXPECT_EQ(ext(*sent, "queueOffset"), "0");
}

TEST_F(broker_test, missing_required_field_is_a_system_error_naming_it) {
    remoting_client client(port());
    auto request = pull(client, "TopicA", 0);
    request.ext_fields.erase("queueId");
    auto answer = client.call(request);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::system_error);
    EXPECT_NE(answer->remark.value_or("").find("queueId"), std::string::npos) << answer->remark.value_or("");
}

TEST_F(broker_test, one_way_requests_get_no_response) {
    remoting_client client(port());
    ASSERT_EQ(client.call(send_v2(client, "TopicO", "x"))->code, response_code::success);
    const ext_field_map fields{{"consumerGroup", "g"}, {"topic", "TopicO"}, {"queueId", "0"}, {"commitOffset", "5"}};
    auto one_way = client.request(request_code::update_consumer_offset, fields);
    one_way.flag = oneway_flag;
    ASSERT_TRUE(client.send(one_way));
    // The next frame must answer the query, not the one-way update before it.
    auto query = client.request(request_code::query_consumer_offset,
                                {{"consumerGroup", "g"}, {"topic", "TopicO"}, {"queueId", "0"}});
    auto answer = client.call(query);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->opaque, query.opaque);
    EXPECT_EQ(ext(*answer, "offset"), "5");

    // Flag 0 (how Go and C++ send their "one-way" updates): answered.
    auto two_way = client.request(request_code::update_consumer_offset, fields);
    auto reply = client.call(two_way);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->opaque, two_way.opaque);
    EXPECT_EQ(reply->code, response_code::success);
}

TEST_F(broker_test, query_consumer_offset_before_and_after_a_commit) {
    remoting_client client(port());
    ASSERT_EQ(client.call(send_v2(client, "TopicQ", "x"))->code, response_code::success);
    const ext_field_map key{{"consumerGroup", "g"}, {"topic", "TopicQ"}, {"queueId", "0"}};
    // No commit yet on a young queue: Java's answer, offset 0.
    auto before = client.call(client.request(request_code::query_consumer_offset, key));
    ASSERT_TRUE(before);
    EXPECT_EQ(before->code, response_code::success);
    EXPECT_EQ(ext(*before, "offset"), "0");

    auto update_fields = key;
    update_fields.emplace("commitOffset", "7");
    ASSERT_EQ(client.call(client.request(request_code::update_consumer_offset, update_fields))->code,
              response_code::success);
    auto after = client.call(client.request(request_code::query_consumer_offset, key));
    ASSERT_TRUE(after);
    EXPECT_EQ(after->code, response_code::success);
    EXPECT_EQ(ext(*after, "offset"), "7");
}

TEST_F(broker_test, long_poll_completes_soon_after_a_send_from_another_connection) {
    remoting_client consumer(port());
    remoting_client producer(port());
    ASSERT_EQ(producer.call(send_v2(producer, "TopicL", "first"))->code, response_code::success);
    ASSERT_TRUE(wait_for_max_offset(producer, "TopicL", 1));
    // sysFlag: suspend | subscription, waiting up to 5 s at the end of the queue.
    ASSERT_TRUE(consumer.send(pull(consumer, "TopicL", 1, 0x2 | 0x4, 5000)));
    std::this_thread::sleep_for(200ms);
    const auto sent_at = std::chrono::steady_clock::now();
    ASSERT_EQ(producer.call(send_v2(producer, "TopicL", "second"))->code, response_code::success);
    auto pulled = consumer.receive(3s);
    const auto waited = std::chrono::steady_clock::now() - sent_at;
    ASSERT_TRUE(pulled);
    EXPECT_LT(waited, 1s);
    ASSERT_EQ(pulled->code, response_code::success);
    EXPECT_EQ(ext(*pulled, "nextBeginOffset"), "2");
    const auto record = store::decode_record(pulled->body);
    ASSERT_TRUE(record);
    EXPECT_EQ(store::as_chars(record->body), "second");
}

TEST_F(broker_test, pull_outside_the_queue_moves_the_offset) {
    remoting_client client(port());
    ASSERT_EQ(client.call(send_v2(client, "TopicM", "x"))->code, response_code::success);
    ASSERT_TRUE(wait_for_max_offset(client, "TopicM", 1));
    auto moved = client.call(pull(client, "TopicM", 5));
    ASSERT_TRUE(moved);
    EXPECT_EQ(moved->code, response_code::pull_offset_moved);
    EXPECT_EQ(ext(*moved, "nextBeginOffset"), "1");
    EXPECT_EQ(ext(*moved, "maxOffset"), "1");
    auto at_end = client.call(pull(client, "TopicM", 1));
    ASSERT_TRUE(at_end);
    EXPECT_EQ(at_end->code, response_code::pull_not_found);
    EXPECT_EQ(ext(*at_end, "nextBeginOffset"), "1");
}

TEST_F(broker_test, unknown_code_is_not_supported) {
    remoting_client client(port());
    auto answer = client.call(client.request(9999, {}));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::request_code_not_supported);
    EXPECT_EQ(answer->remark.value_or(""), " request type 9999 not supported");
}

TEST_F(broker_test, malformed_frame_closes_only_that_connection) {
    remoting_client bad(port());
    remoting_client good(port());
    // Length 8, but a header length far past the frame.
    const std::vector<std::byte> garbage{std::byte{0}, std::byte{0}, std::byte{0}, std::byte{8},
                                         std::byte{0}, std::byte{0xff}, std::byte{0xff}, std::byte{0xff},
                                         std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}};
    ASSERT_TRUE(bad.send_raw(garbage));
    EXPECT_TRUE(bad.closed_within(5s));
    auto answer = good.call(good.request(request_code::heart_beat, {}, "{}"));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::success);
    EXPECT_EQ(answer->version, broker_version);
}

TEST_F(broker_test, cpp_clients_get_json_and_others_their_own_serialization) {
    remoting_client client(port());
    auto java = client.request(request_code::heart_beat, {});
    java.serialization = serialization_type::rocketmq;
    ASSERT_TRUE(client.call(java));
    EXPECT_EQ(client.last_frame().at(4), std::byte{1});

    auto cpp = client.request(request_code::heart_beat, {});
    cpp.language = "CPP";
    cpp.serialization = serialization_type::rocketmq;
    auto answer = client.call(cpp);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->serialization, serialization_type::json);
    EXPECT_EQ(client.last_frame().at(4), std::byte{0});
}

TEST_F(broker_test, max_and_min_offsets) {
    remoting_client client(port());
    ASSERT_EQ(client.call(send_v2(client, "TopicX", "1"))->code, response_code::success);
    ASSERT_EQ(client.call(send_v2(client, "TopicX", "2"))->code, response_code::success);
    EXPECT_TRUE(wait_for_max_offset(client, "TopicX", 2));
    const ext_field_map key{{"topic", "TopicX"}, {"queueId", "0"}};
    auto min = client.call(client.request(request_code::get_min_offset, key));
    ASSERT_TRUE(min);
    EXPECT_EQ(ext(*min, "offset"), "0");
    auto unknown = client.call(client.request(request_code::get_max_offset, {{"topic", "Nope"}, {"queueId", "0"}}));
    ASSERT_TRUE(unknown);
    EXPECT_EQ(ext(*unknown, "offset"), "0");
}

TEST_F(broker_test, unregister_client_succeeds) {
    remoting_client client(port());
    auto answer = client.call(client.request(request_code::unregister_client, {{"clientID", "c1"}}));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::success);
}

TEST_F(broker_test, requests_in_flight_are_bounded_per_connection) {
    remoting_client client(port());
    ASSERT_EQ(client.call(send_v2(client, "TopicF", "x"))->code, response_code::success);
    ASSERT_TRUE(wait_for_max_offset(client, "TopicF", 1));
    // More long polls than the session holds at once, then a heartbeat: it is
    // read only once the first polls have ended (after their 1 s).
    const auto started = std::chrono::steady_clock::now();
    constexpr int polls = 1030;
    for (int i = 0; i < polls; ++i) ASSERT_TRUE(client.send(pull(client, "TopicF", 1, 0x2 | 0x4, 1000)));
    auto heartbeat = client.request(request_code::heart_beat, {});
    ASSERT_TRUE(client.send(heartbeat));
    int answered = 0;
    bool heartbeat_answered = false;
    while (answered < polls + 1) {
        auto answer = client.receive(5s);
        ASSERT_TRUE(answer) << "after " << answered << " responses";
        ++answered;
        if (answer->opaque == heartbeat.opaque) {
            heartbeat_answered = true;
            EXPECT_GE(std::chrono::steady_clock::now() - started, 900ms);
        } else {
            EXPECT_EQ(answer->code, response_code::pull_not_found);
        }
    }
    EXPECT_TRUE(heartbeat_answered);
}

} // namespace
} // namespace gantry::protocols::remoting::test
