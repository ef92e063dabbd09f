// Requests about stored messages: VIEW_MESSAGE_BY_ID, QUERY_MESSAGE,
// CONSUMER_SEND_MSG_BACK, and batch sends (320, and 310 with m=true).
#include <algorithm>
#include <charconv>
#include <string>
#include <thread>

#include "gantry/engine/byte_order.hpp"
#include "gantry/store/message_properties.hpp"
#include "gantry/store/message_record.hpp"
#include "remoting_broker_fixture.hpp"

namespace gantry::protocols::remoting::test {
namespace {

// Short delay levels, so retry back-off takes milliseconds.
class messages_test : public remoting_broker_fixture {
protected:
    messages_test() { store_config_.delay_levels.assign(18, std::chrono::milliseconds(20)); }
    remoting_command pulled_; // keeps the body a decoded record points into
};

// The commit-log offset inside an IPv4 offset msgId (spec 3.6).
std::int64_t offset_of(const std::string& offset_message_id) {
    std::uint64_t v = 0;
    std::from_chars(offset_message_id.data() + 16, offset_message_id.data() + 32, v, 16);
    return static_cast<std::int64_t>(v);
}

// One batch entry as clients encode it (spec 3.4).
std::string batch_entry(std::string_view body, std::string_view properties, std::int32_t flag = 0) {
    std::string out(4 * 5 + body.size() + 2 + properties.size(), '\0');
    auto* p = reinterpret_cast<std::byte*>(out.data());
    store_be<std::int32_t>(p, static_cast<std::int32_t>(out.size()));
    store_be<std::int32_t>(p + 12, flag);
    store_be<std::int32_t>(p + 16, static_cast<std::int32_t>(body.size()));
    std::copy(body.begin(), body.end(), out.begin() + 20);
    store_be<std::int16_t>(p + 20 + body.size(), static_cast<std::int16_t>(properties.size()));
    std::copy(properties.begin(), properties.end(), out.begin() + 22 + static_cast<std::ptrdiff_t>(body.size()));
    return out;
}

remoting_command batch_request(remoting_client& client, std::int32_t code, const std::string& topic,
                               const std::string& body, std::string header_properties = {}) {
    auto request = client.request(code,
                                  {{"a", "producer"}, {"b", topic}, {"c", "TBW102"}, {"d", "4"}, {"e", "0"},
                                   {"f", "0"}, {"g", "1700000000000"}, {"h", "0"},
                                   {"i", std::move(header_properties)}, {"m", "true"}},
                                  body);
    return request;
}

TEST_F(messages_test, view_message_by_id_returns_the_record_at_the_offset_inside_the_msg_id) {
    remoting_client client(port());
    auto sent = client.call(send_v2(client, "TopicView", "look at me", "UNIQ_KEY\x01u-v\x02"));
    ASSERT_TRUE(sent);
    ASSERT_EQ(sent->code, response_code::success) << sent->remark.value_or("");
    const auto offset = offset_of(ext(*sent, "msgId"));
    auto viewed = client.call(client.request(request_code::view_message_by_id, {{"offset", std::to_string(offset)}}));
    ASSERT_TRUE(viewed);
    ASSERT_EQ(viewed->code, response_code::success) << viewed->remark.value_or("");
    const auto record = store::decode_record(viewed->body);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->total_size, static_cast<std::int32_t>(viewed->body.size()));
    EXPECT_EQ(store::as_chars(record->body), "look at me");
    EXPECT_EQ(record->physical_offset, offset);

    auto missing = client.call(
        client.request(request_code::view_message_by_id, {{"offset", std::to_string(offset + 1)}}));
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->code, response_code::system_error);
    EXPECT_EQ(missing->remark.value_or(""), "no message at offset " + std::to_string(offset + 1));
}

TEST_F(messages_test, query_message_finds_records_by_key_within_the_time_range) {
    remoting_client client(port());
    for (const auto* body : {"one", "two"}) {
        auto sent = client.call(send_v2(client, "TopicQ", body, "KEYS\x01order-1\x02"));
        ASSERT_TRUE(sent);
        ASSERT_EQ(sent->code, response_code::success);
    }
    ASSERT_TRUE(wait_for_max_offset(client, "TopicQ", 2));
    auto query = [&](std::string key, std::string end = "9999999999999") {
        return client.call(client.request(request_code::query_message, {{"topic", "TopicQ"},
                                                                         {"key", std::move(key)},
                                                                         {"maxNum", "32"},
                                                                         {"beginTimestamp", "0"},
                                                                         {"endTimestamp", std::move(end)}}));
    };
    auto found = query("order-1");
    ASSERT_TRUE(found);
    ASSERT_EQ(found->code, response_code::success) << found->remark.value_or("");
    const auto records = records_of(*found);
    ASSERT_EQ(records.size(), 2u);
    const auto newest = std::max(records[0].physical_offset, records[1].physical_offset);
    EXPECT_EQ(ext(*found, "indexLastUpdatePhyoffset"), std::to_string(newest));
    EXPECT_NE(ext(*found, "indexLastUpdateTimestamp"), "0");

    auto none = query("order-2");
    ASSERT_TRUE(none);
    EXPECT_EQ(none->code, response_code::query_not_found);
    EXPECT_EQ(none->remark.value_or(""), "can not find message, maybe time range not correct");
    auto too_early = query("order-1", "1");
    ASSERT_TRUE(too_early);
    EXPECT_EQ(too_early->code, response_code::query_not_found);
}

TEST_F(messages_test, send_back_retries_with_back_off_then_dead_letters) {
    remoting_client client(port());
    auto sent = client.call(send_v2(client, "TopicS", "fail me", "UNIQ_KEY\x01u-s\x02"));
    ASSERT_TRUE(sent);
    ASSERT_EQ(sent->code, response_code::success);
    auto send_back = [&](std::int64_t offset, std::string delay_level) {
        return client.call(client.request(request_code::consumer_send_msg_back,
                                          {{"offset", std::to_string(offset)},
                                           {"group", "gs"},
                                           {"delayLevel", std::move(delay_level)},
                                           {"originMsgId", "u-s"},
                                           {"originTopic", "TopicS"},
                                           {"unitMode", "false"},
                                           {"maxReconsumeTimes", "2"}}));
    };
    auto pull_one = [&](const std::string& topic, std::int64_t offset) -> std::optional<store::decoded_record> {
        if (!wait_for_max_offset(client, topic, offset + 1)) return std::nullopt;
        auto pulled = client.call(pull(client, topic, offset));
        if (!pulled || pulled->code != response_code::success) return std::nullopt;
        pulled_ = *pulled; // the decoded record points into its body
        return store::decode_record(pulled_.body);
    };

    auto answer = send_back(offset_of(ext(*sent, "msgId")), "0");
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->code, response_code::success) << answer->remark.value_or("");
    auto retry = pull_one("%RETRY%gs", 0);
    ASSERT_TRUE(retry) << "the copy reaches the retry topic after its delay";
    EXPECT_EQ(retry->reconsume_times, 1);
    EXPECT_EQ(store::as_chars(retry->body), "fail me");
    EXPECT_EQ(store::find_property(retry->properties, "RETRY_TOPIC"), "TopicS");
    EXPECT_EQ(store::find_property(retry->properties, "ORIGIN_MESSAGE_ID"), "u-s");

    answer = send_back(retry->physical_offset, "0");
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->code, response_code::success);
    retry = pull_one("%RETRY%gs", 1);
    ASSERT_TRUE(retry);
    EXPECT_EQ(retry->reconsume_times, 2);

    answer = send_back(retry->physical_offset, "0");
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->code, response_code::success);
    const auto dead = pull_one("%DLQ%gs", 0);
    ASSERT_TRUE(dead) << "reconsumed maxReconsumeTimes times: dead letters";
    EXPECT_EQ(dead->reconsume_times, 3);
    EXPECT_EQ(store::find_property(dead->properties, "RETRY_TOPIC"), "TopicS");

    answer = send_back(offset_of(ext(*sent, "msgId")), "-1");
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->code, response_code::success);
    EXPECT_TRUE(pull_one("%DLQ%gs", 1)) << "delay level -1 goes straight to dead letters";

    answer = send_back(1 << 20, "0");
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, response_code::system_error);
}

TEST_F(messages_test, batches_by_320_and_by_310_with_m_true_take_consecutive_offsets) {
    remoting_client client(port());
    std::string body;
    for (const auto* name : {"b0", "b1", "b2"})
        body += batch_entry(name, std::string("UNIQ_KEY\x01") + name + "\x02TAGS\x01t", 7);
    auto first = client.call(batch_request(client, request_code::send_batch_message, "TopicBatch", body,
                                           "HDR\x01h\x02"));
    ASSERT_TRUE(first);
    ASSERT_EQ(first->code, response_code::success) << first->remark.value_or("");
    EXPECT_EQ(ext(*first, "queueOffset"), "0");
    EXPECT_EQ(ext(*first, "queueId"), "0");
    const auto ids = ext(*first, "msgId");
    ASSERT_EQ(ids.size(), 3 * 32 + 2);
    EXPECT_EQ(ids[32], ',');
    EXPECT_EQ(ids[65], ',');
    EXPECT_LT(offset_of(ids.substr(0, 32)), offset_of(ids.substr(33, 32)));

    auto second = client.call(batch_request(client, request_code::send_message_v2, "TopicBatch", body));
    ASSERT_TRUE(second);
    ASSERT_EQ(second->code, response_code::success) << second->remark.value_or("");
    EXPECT_EQ(ext(*second, "queueOffset"), "3");
    const auto second_ids = ext(*second, "msgId");
    EXPECT_EQ(std::count(second_ids.begin(), second_ids.end(), ','), 2);

    ASSERT_TRUE(wait_for_max_offset(client, "TopicBatch", 6));
    auto pulled = client.call(pull(client, "TopicBatch", 0));
    ASSERT_TRUE(pulled);
    ASSERT_EQ(pulled->code, response_code::success);
    const auto records = records_of(*pulled);
    ASSERT_EQ(records.size(), 6u);
    for (std::size_t i = 0; i < records.size(); ++i) {
        EXPECT_EQ(records[i].queue_offset, static_cast<std::int64_t>(i));
        EXPECT_EQ(records[i].flag, 7);
        EXPECT_EQ(store::as_chars(records[i].body), "b" + std::to_string(i % 3));
        EXPECT_EQ(store::find_property(records[i].properties, "TAGS"), "t");
        EXPECT_TRUE(store::find_property(records[i].properties, "CLUSTER"));
    }
    EXPECT_EQ(store::find_property(records[1].properties, "HDR"), "h") << "header properties go to every entry";
    EXPECT_EQ(store::find_property(records[1].properties, "UNIQ_KEY"), "b1");
    EXPECT_FALSE(store::find_property(records[4].properties, "HDR"));
}

TEST_F(messages_test, delayed_transactional_and_malformed_batches_are_illegal) {
    remoting_client client(port());
    const auto good = batch_entry("x", "TAGS\x01t");
    auto expect_illegal = [&](remoting_command request, std::string_view remark_part) {
        auto answer = client.call(request);
        ASSERT_TRUE(answer);
        EXPECT_EQ(answer->code, response_code::message_illegal);
        EXPECT_NE(answer->remark.value_or("").find(remark_part), std::string::npos) << answer->remark.value_or("");
    };
    expect_illegal(batch_request(client, request_code::send_batch_message, "TopicBad",
                                 good + batch_entry("y", "DELAY\x01" "3")),
                   "cannot be delayed");
    expect_illegal(batch_request(client, request_code::send_batch_message, "TopicBad", good, "DELAY\x01" "2\x02"),
                   "cannot be delayed");
    auto transactional = batch_request(client, request_code::send_batch_message, "TopicBad", good);
    transactional.set_ext("f", "4");
    expect_illegal(transactional, "transactional");
    expect_illegal(batch_request(client, request_code::send_batch_message, "TopicBad", good.substr(0, good.size() - 1)),
                   "malformed batch entry 0");
    expect_illegal(batch_request(client, request_code::send_message_v2, "TopicBad", ""), "no messages");
    EXPECT_FALSE(engine_->query_queue("TopicBad", 0) && engine_->query_queue("TopicBad", 0)->max_offset > 0);
}

} // namespace
} // namespace gantry::protocols::remoting::test
