#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "remoting_broker_fixture.hpp"

namespace gantry::protocols::remoting::test {
namespace {

using admin_test = remoting_broker_fixture;

std::string tags(const std::string& tag) { return "TAGS\x01" + tag + "\x02"; }

// A push consumer of the fixture's group "group", subscribed to `topic` with a tag expression.
std::string heartbeat_body(const std::string& topic, const std::string& expression) {
    return consumer_heartbeat("10.0.0.9@1", "group", topic, expression);
}

TEST_F(admin_test, query_consumer_offset_of_a_new_group_on_a_young_queue_is_zero) {
    remoting_client client(port());
    ASSERT_EQ(client.call(send_v2(client, "TopicY", "x"))->code, response_code::success);
    ASSERT_TRUE(wait_for_max_offset(client, "TopicY", 1));
    const ext_field_map key{{"consumerGroup", "fresh"}, {"topic", "TopicY"}, {"queueId", "0"}};
    auto young = client.call(client.request(request_code::query_consumer_offset, key));
    ASSERT_TRUE(young);
    EXPECT_EQ(young->code, response_code::success) << young->remark.value_or("");
    EXPECT_EQ(ext(*young, "offset"), "0");

    // A committed -1 (the JavaScript client's 0) is no offset: the same rule.
    auto update = key;
    update.emplace("commitOffset", "-1");
    ASSERT_EQ(client.call(client.request(request_code::update_consumer_offset, update))->code,
              response_code::success);
    auto after = client.call(client.request(request_code::query_consumer_offset, key));
    ASSERT_TRUE(after);
    EXPECT_EQ(after->code, response_code::success);
    EXPECT_EQ(ext(*after, "offset"), "0");

    auto unknown = client.call(client.request(request_code::query_consumer_offset,
                                              {{"consumerGroup", "fresh"}, {"topic", "Nope"}, {"queueId", "0"}}));
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->code, response_code::success);
    EXPECT_EQ(ext(*unknown, "offset"), "0");
}

TEST_F(admin_test, pull_without_the_subscription_bit_uses_the_heartbeat_subscription) {
    remoting_client client(port());
    ASSERT_EQ(client.call(send_v2(client, "TopicH", "b", tags("TagB")))->code, response_code::success);
    ASSERT_EQ(client.call(send_v2(client, "TopicH", "a", tags("TagA")))->code, response_code::success);
    ASSERT_TRUE(wait_for_max_offset(client, "TopicH", 2));

    auto refused = call(client, pull(client, "TopicH", 0, 0));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, response_code::subscription_not_exist);
    EXPECT_NE(refused->remark.value_or("").find("TopicH"), std::string::npos) << refused->remark.value_or("");

    ASSERT_EQ(call(client, client.request(request_code::heart_beat, {}, heartbeat_body("TopicH", "TagA")))->code,
              response_code::success);
    // The request's "*" is ignored without the bit: the registered TagA filters.
    auto pulled = call(client, pull(client, "TopicH", 0, 0));
    ASSERT_TRUE(pulled);
    ASSERT_EQ(pulled->code, response_code::success) << pulled->remark.value_or("");
    const auto records = records_of(*pulled);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(store::as_chars(records[0].body), "a");
    EXPECT_EQ(ext(*pulled, "nextBeginOffset"), "2");

    // A pull whose subVersion is newer than the heartbeat's.
    auto newer = pull(client, "TopicH", 0, 0);
    newer.set_ext("subVersion", "1690000000124");
    auto stale = call(client, newer);
    ASSERT_TRUE(stale);
    EXPECT_EQ(stale->code, response_code::subscription_not_latest);
}

TEST_F(admin_test, search_offset_by_timestamp_and_earliest_store_time) {
    remoting_client client(port());
    for (const auto* body : {"1", "2", "3"}) {
        ASSERT_EQ(client.call(send_v2(client, "TopicT", body))->code, response_code::success);
        std::this_thread::sleep_for(20ms);
    }
    ASSERT_TRUE(wait_for_max_offset(client, "TopicT", 3));
    auto pulled = client.call(pull(client, "TopicT", 0));
    ASSERT_TRUE(pulled);
    const auto records = records_of(*pulled);
    ASSERT_EQ(records.size(), 3u);
    const auto t0 = records[0].store_timestamp;
    const auto t1 = records[1].store_timestamp;
    ASSERT_LT(t0 + 1, t1);

    const auto search = [&](std::int64_t at, const char* boundary = nullptr, const char* topic = "TopicT") {
        ext_field_map fields{{"topic", topic}, {"queueId", "0"}, {"timestamp", std::to_string(at)}};
        if (boundary) fields.emplace("boundaryType", boundary);
        auto answer = client.call(client.request(request_code::search_offset_by_timestamp, fields));
        EXPECT_TRUE(answer && answer->code == response_code::success);
        return answer ? ext(*answer, "offset") : std::string("<none>");
    };
    EXPECT_EQ(search(t1), "1");
    EXPECT_EQ(search(t1 - 1), "1");
    EXPECT_EQ(search(0), "0");
    EXPECT_EQ(search(t1 + 1'000'000), "3"); // after the last: max, where new messages go
    EXPECT_EQ(search(t1 - 1, "upper"), "0");
    EXPECT_EQ(search(t1, "UPPER"), "1");
    EXPECT_EQ(search(0, "UPPER"), "0");
    EXPECT_EQ(search(t1 + 1'000'000, "UPPER"), "2");
    EXPECT_EQ(search(t1, "LOWER", "Nope"), "0");

    auto earliest = client.call(client.request(request_code::get_earliest_msg_storetime,
                                               {{"topic", "TopicT"}, {"queueId", "0"}}));
    ASSERT_TRUE(earliest);
    EXPECT_EQ(earliest->code, response_code::success);
    EXPECT_EQ(ext(*earliest, "timestamp"), std::to_string(t0));
    auto unknown = client.call(client.request(request_code::get_earliest_msg_storetime,
                                              {{"topic", "Nope"}, {"queueId", "0"}}));
    ASSERT_TRUE(unknown);
    EXPECT_EQ(ext(*unknown, "timestamp"), "-1");
}

remoting_command create_topic(remoting_client& client, const std::string& topic, const std::string& queues,
                              const std::string& perm, const std::string& order = "false") {
    return client.request(request_code::update_and_create_topic,
                          {{"topic", topic},
                           {"defaultTopic", "TBW102"},
                           {"readQueueNums", queues},
                           {"writeQueueNums", queues},
                           {"perm", perm},
                           {"topicFilterType", "SINGLE_TAG"},
                           {"topicSysFlag", "0"},
                           {"order", order}});
}

TEST_F(admin_test, update_and_create_topic_creates_then_updates) {
    remoting_client client(port());
    auto created = client.call(create_topic(client, "AdminT", "3", "6", "true"));
    ASSERT_TRUE(created);
    ASSERT_EQ(created->code, response_code::success) << created->remark.value_or("");
    auto topic = engine_->find_topic("AdminT");
    ASSERT_TRUE(topic);
    EXPECT_EQ(topic->read_queue_nums, 3);
    EXPECT_EQ(topic->write_queue_nums, 3);
    EXPECT_EQ(topic->perm, 6);
    EXPECT_TRUE(topic->order);

    ASSERT_EQ(client.call(create_topic(client, "AdminT", "5", "4"))->code, response_code::success);
    topic = engine_->find_topic("AdminT");
    ASSERT_TRUE(topic);
    EXPECT_EQ(topic->read_queue_nums, 5);
    EXPECT_EQ(topic->perm, 4);
    EXPECT_FALSE(topic->order);
}

TEST_F(admin_test, update_and_create_topic_refuses_bad_names_and_system_topics) {
    remoting_client client(port());
    const auto refused = [&](const std::string& topic, const std::string& queues, const std::string& remark) {
        auto answer = client.call(create_topic(client, topic, queues, "6"));
        ASSERT_TRUE(answer);
        EXPECT_EQ(answer->code, response_code::system_error) << topic;
        EXPECT_NE(answer->remark.value_or("").find(remark), std::string::npos) << answer->remark.value_or("");
        EXPECT_FALSE(engine_->find_topic(topic) && topic != "TBW102") << topic;
    };
    refused("bad topic", "4", "illegal characters");
    refused(std::string(128, 't'), "4", "longer than topic max length");
    refused("DefaultCluster", "4", "conflict with system reserved words");
    refused("TBW102", "4", "TBW102");
    refused("ZeroQueues", "0", "ZeroQueues");
    auto missing = client.call(client.request(request_code::update_and_create_topic, {{"topic", "T"}}));
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->code, response_code::system_error);
}

TEST_F(admin_test, get_all_topic_config_is_byte_exact) {
    ASSERT_FALSE(engine_->topics().create_or_update({"AdminA", 2, 3, 6, 0, true}));
    remoting_client client(port());
    auto answer = client.call(client.request(request_code::get_all_topic_config, {}));
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->code, response_code::success);

    const auto version = engine_->topics().version();
    std::string table;
    for (const auto& t : engine_->topics().list()) {
        if (!table.empty()) table += ",";
        table += "\"" + t.topic_name + "\":{\"order\":" + (t.order ? "true" : "false") +
                 ",\"perm\":" + std::to_string(t.perm) + ",\"readQueueNums\":" + std::to_string(t.read_queue_nums) +
                 ",\"topicFilterType\":\"SINGLE_TAG\",\"topicName\":\"" + t.topic_name +
                 "\",\"topicSysFlag\":" + std::to_string(t.topic_sys_flag) +
                 ",\"writeQueueNums\":" + std::to_string(t.write_queue_nums) + "}";
    }
    const auto expected = "{\"dataVersion\":{\"counter\":" + std::to_string(version.counter) +
                          ",\"timestamp\":" + std::to_string(version.timestamp) + "},\"topicConfigTable\":{" + table +
                          "}}";
    EXPECT_EQ(body_text(*answer), expected);
    EXPECT_NE(expected.find(R"("AdminA":{"order":true,"perm":6,"readQueueNums":2,"topicFilterType":"SINGLE_TAG",)"
                            R"("topicName":"AdminA","topicSysFlag":0,"writeQueueNums":3})"),
              std::string::npos);
}

} // namespace
} // namespace gantry::protocols::remoting::test
