#include "gantry/core/group_config_registry.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gantry/core/core_error.hpp"
#include "metadata_test_support.hpp"

namespace gantry::core {
namespace {

using metadata_testing::read_file;
using metadata_testing::temp_dir;
using metadata_testing::write_file;
using nlohmann::json;

constexpr std::int32_t broker_max_reconsume_times = 7;

engine::group_config settings(std::string group) {
    engine::group_config c;
    c.group_name = std::move(group);
    return c;
}

TEST(GroupConfigRegistry, StartsEmptyAndGivesUnknownGroupsTheDefaultsWithTheBrokersRetryLimit) {
    temp_dir dir;
    group_config_registry registry(dir.path(), broker_max_reconsume_times);
    ASSERT_FALSE(registry.load());
    EXPECT_TRUE(registry.list_group_configs().groups.empty());
    EXPECT_EQ(registry.list_group_configs().version_counter, 0);
    EXPECT_GT(registry.list_group_configs().version_timestamp_ms, 0) << "made now, as Java's new DataVersion()";
    EXPECT_FALSE(registry.find_group_config("g"));

    auto expected = settings("g");
    expected.retry_max_times = broker_max_reconsume_times;
    EXPECT_EQ(registry.effective_group_config("g"), expected);
    EXPECT_FALSE(std::filesystem::exists(registry.file_path())) << "nothing to save yet";
}

TEST(GroupConfigRegistry, StoresInRocketMqsShapeAndCountsChanges) {
    temp_dir dir;
    group_config_registry registry(dir.path(), broker_max_reconsume_times);
    ASSERT_FALSE(registry.load());
    auto config = settings("orders-consumers");
    config.consume_enable = false;
    config.retry_max_times = 3;
    config.which_broker_when_consume_slowly = 2;
    ASSERT_FALSE(registry.put_group_config(config));
    EXPECT_EQ(registry.find_group_config("orders-consumers"), config);
    EXPECT_EQ(registry.effective_group_config("orders-consumers"), config);
    EXPECT_EQ(registry.version().counter, 1);
    ASSERT_FALSE(registry.put_group_config(config));
    EXPECT_EQ(registry.version().counter, 1) << "the same settings again change nothing";

    EXPECT_EQ(registry.file_path(), dir.path() / "config" / "subscriptionGroup.json");
    const auto document = json::parse(read_file(registry.file_path()));
    EXPECT_EQ(document["dataVersion"]["counter"], 1);
    EXPECT_EQ(document["dataVersion"]["timestamp"], registry.version().timestamp);
    EXPECT_EQ(document["subscriptionGroupTable"]["orders-consumers"],
              json::parse(R"({"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":false,)"
                          R"("consumeFromMinEnable":true,"groupName":"orders-consumers",)"
                          R"("notifyConsumerIdsChangedEnable":true,"retryMaxTimes":3,"retryQueueNums":1,)"
                          R"("whichBrokerWhenConsumeSlowly":2})"));
}

TEST(GroupConfigRegistry, SettingsAndVersionSurviveARestartAndRemovalToo) {
    temp_dir dir;
    data_version before;
    auto kept = settings("kept");
    kept.consume_broadcast_enable = false;
    kept.notify_consumer_ids_changed_enable = false;
    {
        group_config_registry registry(dir.path(), broker_max_reconsume_times);
        ASSERT_FALSE(registry.load());
        ASSERT_FALSE(registry.put_group_config(kept));
        ASSERT_FALSE(registry.put_group_config(settings("removed")));
        const auto removed = registry.remove_group_config("removed");
        ASSERT_TRUE(removed);
        EXPECT_TRUE(*removed);
        const auto again = registry.remove_group_config("removed");
        ASSERT_TRUE(again);
        EXPECT_FALSE(*again) << "nothing left to remove";
        before = registry.version();
        EXPECT_EQ(before.counter, 3);
    }
    group_config_registry registry(dir.path(), broker_max_reconsume_times);
    ASSERT_FALSE(registry.load());
    const auto table = registry.list_group_configs();
    ASSERT_EQ(table.groups.size(), 1u);
    EXPECT_EQ(table.groups.front(), kept);
    EXPECT_EQ(registry.version(), before);
}

TEST(GroupConfigRegistry, ReadsAFileRocketMqWroteAndKeepsDefaultsForMissingFields) {
    temp_dir dir;
    // 4.9.x's pretty-printed file, plus a 5.x field Gantry does not keep.
    write_file(dir.path() / "config" / "subscriptionGroup.json", R"({
	"dataVersion":{"counter":12,"timestamp":1690000000000},
	"subscriptionGroupTable":{
		"legacy":{"groupName":"legacy","retryMaxTimes":5,"consumeMessageOrderly":true},
		"bare":{}
	}
})");
    group_config_registry registry(dir.path(), broker_max_reconsume_times);
    ASSERT_FALSE(registry.load());
    EXPECT_EQ(registry.version().counter, 12);
    auto legacy = settings("legacy");
    legacy.retry_max_times = 5;
    EXPECT_EQ(registry.find_group_config("legacy"), legacy);
    EXPECT_EQ(registry.find_group_config("bare"), settings("bare")) << "RocketMQ's defaults, retryMaxTimes 16";
}

TEST(GroupConfigRegistry, AWrongTypeMakesTheFileUnusableAndTheBackupIsUsed) {
    temp_dir dir;
    {
        group_config_registry registry(dir.path(), broker_max_reconsume_times);
        ASSERT_FALSE(registry.load());
        ASSERT_FALSE(registry.put_group_config(settings("first")));
        ASSERT_FALSE(registry.put_group_config(settings("second"))); // the first table becomes the backup
    }
    write_file(dir.path() / "config" / "subscriptionGroup.json",
               R"({"subscriptionGroupTable":{"g":{"retryMaxTimes":"many"}}})");
    group_config_registry registry(dir.path(), broker_max_reconsume_times);
    ASSERT_FALSE(registry.load());
    EXPECT_TRUE(registry.find_group_config("first"));
    EXPECT_FALSE(registry.find_group_config("g"));
}

TEST(GroupConfigRegistry, RefusesNamesNoRetryTopicCouldCarryAndNegativeValues) {
    temp_dir dir;
    group_config_registry registry(dir.path(), broker_max_reconsume_times);
    ASSERT_FALSE(registry.load());
    for (const auto& name : {std::string(), std::string("has space"), std::string("slash/ed"),
                             std::string(max_group_name_length + 1, 'g')})
        EXPECT_EQ(registry.put_group_config(settings(name)), core_errc::invalid_group_name) << name;
    EXPECT_FALSE(registry.put_group_config(settings(std::string(max_group_name_length, 'g'))));

    auto negative = settings("g");
    negative.retry_max_times = -1;
    EXPECT_EQ(registry.put_group_config(negative), core_errc::invalid_group_config);
    negative = settings("g");
    negative.retry_queue_nums = 1025;
    EXPECT_EQ(registry.put_group_config(negative), core_errc::invalid_group_config);
    auto none = settings("g");
    none.retry_max_times = 0; // dead letters at the first failure
    none.retry_queue_nums = 0;
    EXPECT_FALSE(registry.put_group_config(none));
    EXPECT_FALSE(registry.find_group_config("has space"));
}

} // namespace
} // namespace gantry::core
