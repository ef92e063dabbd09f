// Consumer group settings: UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200), what
// GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201) and DELETE_SUBSCRIPTIONGROUP (207)
// do with them, and what each setting changes in pulls, send-backs and
// notifications.
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "gantry/store/message_properties.hpp"
#include "gantry/store/message_record.hpp"
#include "remoting_broker_fixture.hpp"

namespace gantry::protocols::remoting::test {
namespace {

using json = nlohmann::json;

// Short delay levels, so a retry copy arrives within milliseconds.
class group_settings_test : public remoting_broker_fixture {
protected:
    group_settings_test() { store_config_.delay_levels.assign(18, std::chrono::milliseconds(20)); }

    std::filesystem::path table_file() const { return core_config_.root_dir / "config" / "subscriptionGroup.json"; }

    remoting_command pulled_; // keeps the body a decoded record points into
};

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::optional<remoting_command> update(remoting_client& client, const std::string& body) {
    return call(client, client.request(request_code::update_and_create_subscriptiongroup, {}, body));
}

json all_groups(remoting_client& client) {
    auto answer = call(client, client.request(request_code::get_all_subscriptiongroup_config, {}));
    if (!answer || answer->code != response_code::success) return json();
    return json::parse(body_text(*answer), nullptr, false);
}

std::optional<remoting_command> heartbeat(remoting_client& client, const std::string& client_id,
                                          const std::string& model = "CLUSTERING") {
    return call(client,
                client.request(request_code::heart_beat, {}, consumer_heartbeat(client_id, "group", "TopicG", "*", model)));
}

TEST_F(group_settings_test, settings_are_stored_reported_and_deleted_with_the_group) {
    remoting_client admin(port());
    auto created = update(admin, R"({"groupName":"configured","consumeEnable":false,"retryMaxTimes":3,)"
                                 R"("whichBrokerWhenConsumeSlowly":2})");
    ASSERT_TRUE(created);
    EXPECT_EQ(created->code, response_code::success) << created->remark.value_or("");
    EXPECT_FALSE(created->remark);

    auto body = all_groups(admin);
    EXPECT_EQ(body["dataVersion"]["counter"], 1);
    EXPECT_EQ(body["subscriptionGroupTable"]["configured"],
              json::parse(R"({"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":false,)"
                          R"("consumeFromMinEnable":true,"durable":false,"groupName":"configured",)"
                          R"("notifyConsumerIdsChangedEnable":true,"onlineConsumers":0,"retryMaxTimes":3,)"
                          R"("retryQueueNums":1,"whichBrokerWhenConsumeSlowly":2})"));
    const auto file = json::parse(read_text(table_file()), nullptr, false);
    ASSERT_TRUE(file.is_object()) << "config/subscriptionGroup.json was not written";
    EXPECT_EQ(file["subscriptionGroupTable"]["configured"]["retryMaxTimes"], 3);

    // An update replaces every setting: what the body leaves out gets RocketMQ's default again.
    ASSERT_EQ(update(admin, R"({"groupName":"configured","retryMaxTimes":"5"})")->code, response_code::success);
    body = all_groups(admin);
    EXPECT_EQ(body["dataVersion"]["counter"], 2);
    EXPECT_EQ(body["subscriptionGroupTable"]["configured"]["consumeEnable"], true);
    EXPECT_EQ(body["subscriptionGroupTable"]["configured"]["retryMaxTimes"], 5);

    auto deleted = call(admin, admin.request(request_code::delete_subscriptiongroup, {{"groupName", "configured"}}));
    ASSERT_TRUE(deleted);
    EXPECT_EQ(deleted->code, response_code::success) << deleted->remark.value_or("");
    EXPECT_FALSE(deleted->remark) << "a group known by its settings alone is a group";
    body = all_groups(admin);
    EXPECT_FALSE(body["subscriptionGroupTable"].contains("configured"));
    EXPECT_EQ(body["dataVersion"]["counter"], 3);
    EXPECT_FALSE(json::parse(read_text(table_file()))["subscriptionGroupTable"].contains("configured"));
}

TEST_F(group_settings_test, bodies_that_name_no_valid_group_are_refused_saying_why) {
    remoting_client admin(port());
    for (const auto* body : {"", "{}", "not json", R"({"groupName":"g","retryMaxTimes":"many"})"}) {
        auto refused = update(admin, body);
        ASSERT_TRUE(refused);
        EXPECT_EQ(refused->code, response_code::system_error) << body;
        EXPECT_NE(refused->remark.value_or("").find("SubscriptionGroupConfig"), std::string::npos)
            << refused->remark.value_or("");
    }
    auto bad_name = update(admin, R"({"groupName":"no spaces please"})");
    ASSERT_TRUE(bad_name);
    EXPECT_EQ(bad_name->code, response_code::system_error);
    EXPECT_NE(bad_name->remark.value_or("").find("invalid consumer group name"), std::string::npos)
        << bad_name->remark.value_or("");
    auto negative = update(admin, R"({"groupName":"g","retryMaxTimes":-1})");
    ASSERT_TRUE(negative);
    EXPECT_EQ(negative->code, response_code::system_error);
    EXPECT_NE(negative->remark.value_or("").find("retryMaxTimes"), std::string::npos) << negative->remark.value_or("");
    EXPECT_TRUE(all_groups(admin)["subscriptionGroupTable"].empty());
}

TEST_F(group_settings_test, a_group_that_may_not_consume_gets_no_permission_until_allowed_again) {
    remoting_client client(port());
    ASSERT_EQ(client.call(send_v2(client, "TopicG", "x"))->code, response_code::success);
    ASSERT_TRUE(wait_for_max_offset(client, "TopicG", 1));
    ASSERT_EQ(update(client, R"({"groupName":"group","consumeEnable":false})")->code, response_code::success);

    auto refused = client.call(pull(client, "TopicG", 0));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, response_code::no_permission);
    EXPECT_EQ(refused->remark.value_or(""), "subscription group no permission, group");

    ASSERT_EQ(update(client, R"({"groupName":"group","consumeEnable":true})")->code, response_code::success);
    auto served = client.call(pull(client, "TopicG", 0));
    ASSERT_TRUE(served);
    EXPECT_EQ(served->code, response_code::success) << served->remark.value_or("");
}

TEST_F(group_settings_test, broadcasting_is_refused_to_pulls_that_rely_on_the_heartbeat_as_in_4_9) {
    remoting_client client(port());
    ASSERT_EQ(client.call(send_v2(client, "TopicG", "x"))->code, response_code::success);
    ASSERT_TRUE(wait_for_max_offset(client, "TopicG", 1));
    ASSERT_EQ(heartbeat(client, "10.0.0.1@1", "BROADCASTING")->code, response_code::success);
    ASSERT_EQ(update(client, R"({"groupName":"group","consumeBroadcastEnable":false})")->code,
              response_code::success);

    auto refused = call(client, pull(client, "TopicG", 0, 0));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, response_code::no_permission);
    EXPECT_EQ(refused->remark.value_or(""), "the consumer group[group] can not consume by broadcast way");
    auto with_subscription = call(client, pull(client, "TopicG", 0, 4));
    ASSERT_TRUE(with_subscription);
    EXPECT_EQ(with_subscription->code, response_code::success) << "4.9.x checks only the heartbeat's model";

    ASSERT_EQ(heartbeat(client, "10.0.0.1@1", "CLUSTERING")->code, response_code::success);
    auto clustering = call(client, pull(client, "TopicG", 0, 0));
    ASSERT_TRUE(clustering);
    EXPECT_EQ(clustering->code, response_code::success) << clustering->remark.value_or("");
}

TEST_F(group_settings_test, a_send_back_without_a_limit_dead_letters_after_the_groups_retry_max_times) {
    remoting_client client(port());
    ASSERT_EQ(update(client, R"({"groupName":"gs","retryMaxTimes":1})")->code, response_code::success);
    auto sent = client.call(send_v2(client, "TopicS", "fail me"));
    ASSERT_TRUE(sent);
    ASSERT_EQ(sent->code, response_code::success);
    std::uint64_t first = 0;
    const auto& msg_id = *sent->find_ext("msgId");
    std::from_chars(msg_id.data() + 16, msg_id.data() + 32, first, 16);
    auto send_back = [&](std::int64_t offset, ext_field_map extra, std::int32_t version) {
        ext_field_map header{{"offset", std::to_string(offset)}, {"group", "gs"}, {"delayLevel", "0"}};
        header.insert(extra.begin(), extra.end());
        auto request = client.request(request_code::consumer_send_msg_back, std::move(header));
        request.version = version;
        return client.call(request);
    };
    auto pull_one = [&](const std::string& topic, std::int64_t offset) -> std::optional<store::decoded_record> {
        if (!wait_for_max_offset(client, topic, offset + 1)) return std::nullopt;
        auto pulled = client.call(pull(client, topic, offset));
        if (!pulled || pulled->code != response_code::success) return std::nullopt;
        pulled_ = *pulled;
        return store::decode_record(pulled_.body);
    };

    ASSERT_EQ(send_back(static_cast<std::int64_t>(first), {}, broker_version)->code, response_code::success);
    const auto retry = pull_one("%RETRY%gs", 0);
    ASSERT_TRUE(retry) << "not reconsumed yet: a retry";
    // A client older than V3_4_9 is not trusted with its own limit: the group's 1 applies.
    ASSERT_EQ(send_back(retry->physical_offset, {{"maxReconsumeTimes", "16"}}, 120)->code, response_code::success);
    EXPECT_TRUE(pull_one("%DLQ%gs", 0)) << "reconsumed once, the group's retryMaxTimes: dead letters";
    // A newer client's limit wins over the group's.
    ASSERT_EQ(send_back(retry->physical_offset, {{"maxReconsumeTimes", "16"}}, broker_version)->code,
              response_code::success);
    EXPECT_TRUE(pull_one("%RETRY%gs", 1));
}

TEST_F(group_settings_test, a_group_without_notifications_is_not_told_of_members_coming_and_going) {
    remoting_client admin(port());
    ASSERT_EQ(update(admin, R"({"groupName":"group","notifyConsumerIdsChangedEnable":false})")->code,
              response_code::success);
    remoting_client first(port());
    remoting_client second(port());
    ASSERT_EQ(heartbeat(first, "10.0.0.1@1")->code, response_code::success);
    ASSERT_EQ(heartbeat(second, "10.0.0.2@2")->code, response_code::success);
    EXPECT_FALSE(next_request(first, request_code::notify_consumer_ids_changed, 300ms));
    ASSERT_EQ(call(second, second.request(request_code::unregister_client,
                                          {{"clientID", "10.0.0.2@2"}, {"consumerGroup", "group"}}))
                  ->code,
              response_code::success);
    EXPECT_FALSE(next_request(first, request_code::notify_consumer_ids_changed, 300ms));

    ASSERT_EQ(update(admin, R"({"groupName":"group"})")->code, response_code::success);
    ASSERT_EQ(heartbeat(second, "10.0.0.2@2")->code, response_code::success);
    EXPECT_TRUE(next_request(first, request_code::notify_consumer_ids_changed)) << "told again once allowed";
}

} // namespace
} // namespace gantry::protocols::remoting::test
