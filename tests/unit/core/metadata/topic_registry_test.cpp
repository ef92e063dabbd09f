#include "gantry/core/topic_registry.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>
#include <vector>

#include "gantry/core/core_error.hpp"
#include "metadata_test_support.hpp"

namespace gantry::core {
namespace {

using metadata_testing::read_file;
using metadata_testing::temp_dir;
using metadata_testing::with_suffix;
using metadata_testing::write_file;
using nlohmann::json;

topic_registry_options options_for(const temp_dir& dir, bool auto_create = true) {
    return {dir.path(), auto_create, 8};
}

topic_config user_topic(std::string name, std::int32_t queues = 4) {
    return {std::move(name), queues, queues, perm_read | perm_write, 0, false};
}

TEST(TopicRegistry, CreatesTheSystemTopicsOnFirstLoad) {
    temp_dir dir;
    topic_registry registry(options_for(dir));
    ASSERT_FALSE(registry.load());

    const auto tbw = registry.find("TBW102");
    ASSERT_TRUE(tbw);
    EXPECT_EQ(tbw->perm, 7);
    EXPECT_EQ(tbw->write_queue_nums, 8);
    EXPECT_EQ(registry.find("SCHEDULE_TOPIC_XXXX")->read_queue_nums, 18);
    for (const auto* name : {"RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRANS_OP_HALF_TOPIC", "RMQ_SYS_TRACE_TOPIC",
                             "SELF_TEST_TOPIC", "OFFSET_MOVED_EVENT"}) {
        const auto config = registry.find(name);
        ASSERT_TRUE(config) << name;
        EXPECT_EQ(config->write_queue_nums, 1) << name;
        EXPECT_EQ(config->perm, 6) << name;
    }
    EXPECT_EQ(registry.list().size(), 7u);
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "config" / "topics.json"));
}

TEST(TopicRegistry, WritesRocketMqsJsonShape) {
    temp_dir dir;
    topic_registry registry(options_for(dir));
    ASSERT_FALSE(registry.load());
    ASSERT_FALSE(registry.create_or_update({"orders", 3, 5, perm_read, 0, true}));

    const auto document = json::parse(read_file(registry.file_path()));
    const auto& entry = document["topicConfigTable"]["orders"];
    EXPECT_EQ(entry["topicName"], "orders");
    EXPECT_EQ(entry["readQueueNums"], 3);
    EXPECT_EQ(entry["writeQueueNums"], 5);
    EXPECT_EQ(entry["perm"], 4);
    EXPECT_EQ(entry["topicFilterType"], "SINGLE_TAG");
    EXPECT_EQ(entry["topicSysFlag"], 0);
    EXPECT_EQ(entry["order"], true);
    EXPECT_EQ(document["dataVersion"]["counter"], registry.version().counter);
    EXPECT_EQ(document["dataVersion"]["timestamp"], registry.version().timestamp);
}

TEST(TopicRegistry, TopicsAndVersionSurviveARestart) {
    temp_dir dir;
    data_version before;
    {
        topic_registry registry(options_for(dir));
        ASSERT_FALSE(registry.load());
        ASSERT_FALSE(registry.create_or_update(user_topic("a")));
        ASSERT_FALSE(registry.create_or_update({"b", 2, 2, perm_write, topic_sys_flag_unit, true}));
        before = registry.version();
    }
    topic_registry registry(options_for(dir));
    ASSERT_FALSE(registry.load());
    EXPECT_EQ(registry.find("a"), user_topic("a"));
    EXPECT_EQ(registry.find("b"), (topic_config{"b", 2, 2, perm_write, topic_sys_flag_unit, true}));
    EXPECT_EQ(registry.version(), before) << "nothing changed at load";
}

TEST(TopicRegistry, LoadsPastATmpFileLeftByACrash) {
    temp_dir dir;
    {
        topic_registry registry(options_for(dir));
        ASSERT_FALSE(registry.load());
        ASSERT_FALSE(registry.create_or_update(user_topic("kept")));
    }
    const auto path = dir.path() / "config" / "topics.json";
    write_file(with_suffix(path, ".tmp"), R"({"topicConfigTable":{"half)");

    topic_registry registry(options_for(dir));
    ASSERT_FALSE(registry.load());
    EXPECT_TRUE(registry.find("kept"));
    ASSERT_FALSE(registry.create_or_update(user_topic("next")));

    topic_registry again(options_for(dir));
    ASSERT_FALSE(again.load());
    EXPECT_TRUE(again.find("kept"));
    EXPECT_TRUE(again.find("next"));
}

TEST(TopicRegistry, FallsBackToTheBackupWhenTheFileIsCorrupt) {
    temp_dir dir;
    {
        topic_registry registry(options_for(dir));
        ASSERT_FALSE(registry.load());
        ASSERT_FALSE(registry.create_or_update(user_topic("older")));
        ASSERT_FALSE(registry.create_or_update(user_topic("newer")));
    }
    const auto path = dir.path() / "config" / "topics.json";
    // Valid JSON of the wrong shape counts as corrupt too.
    for (const std::string damage : {R"({"topicConfigTable":{"x":)", R"({"topicConfigTable":[1,2]})"}) {
        write_file(path, damage);
        topic_registry registry(options_for(dir));
        ASSERT_FALSE(registry.load()) << damage;
        EXPECT_TRUE(registry.find("older")) << damage;
        EXPECT_FALSE(registry.find("newer")) << "the backup is one save behind";
    }
}

TEST(TopicRegistry, RefusesToStartOverACorruptTableWithoutBackup) {
    temp_dir dir;
    write_file(dir.path() / "config" / "topics.json", "garbage");
    topic_registry registry(options_for(dir));
    EXPECT_EQ(registry.load(), core_errc::metadata_corrupt);
    EXPECT_EQ(read_file(dir.path() / "config" / "topics.json"), "garbage") << "the evidence stays on disk";
}

TEST(TopicRegistry, ValidatesNames) {
    EXPECT_FALSE(validate_topic_name("Orders_2024-eu|x%y"));
    EXPECT_FALSE(validate_topic_name(std::string(127, 'a')));
    EXPECT_EQ(validate_topic_name(""), core_errc::invalid_topic_name);
    EXPECT_EQ(validate_topic_name(std::string(128, 'a')), core_errc::invalid_topic_name);
    for (const auto* bad : {"a b", "a/b", "a.b", "a@b", "caf\xc3\xa9", "a\nb"})
        EXPECT_EQ(validate_topic_name(bad), core_errc::invalid_topic_name) << bad;

    temp_dir dir;
    topic_registry registry(options_for(dir));
    ASSERT_FALSE(registry.load());
    EXPECT_EQ(registry.create_or_update(user_topic("a b")), core_errc::invalid_topic_name);
    EXPECT_EQ(registry.create_or_update(user_topic("TBW102")), core_errc::reserved_topic_name);
    EXPECT_EQ(registry.create_or_update(user_topic("SCHEDULE_TOPIC_XXXX")), core_errc::reserved_topic_name);
    EXPECT_EQ(registry.create_or_update(user_topic("rmq_sys_wheel_timer")), core_errc::reserved_topic_name);
    EXPECT_EQ(registry.create_or_update(user_topic("t", 0)), core_errc::invalid_topic_config);
    EXPECT_EQ(registry.create_or_update(user_topic("t", max_queue_nums + 1)), core_errc::invalid_topic_config);
    EXPECT_EQ(registry.create_or_update({"t", 1, 1, 0x10, 0, false}), core_errc::invalid_topic_config);
    EXPECT_EQ(registry.find_or_auto_create("a/b").error(), core_errc::invalid_topic_name);
    EXPECT_FALSE(registry.find("t"));

    const std::error_code ec = core_errc::invalid_topic_name;
    EXPECT_STREQ(ec.category().name(), "gantry.core");
    EXPECT_NE(ec.message().find("127"), std::string::npos) << ec.message();
}

TEST(TopicRegistry, UpdatesBumpTheDataVersionOnlyOnChange) {
    temp_dir dir;
    topic_registry registry(options_for(dir));
    ASSERT_FALSE(registry.load());
    const auto start = registry.version();
    EXPECT_GT(start.counter, 0) << "adding the system topics is a change";
    EXPECT_GT(start.timestamp, 0);

    ASSERT_FALSE(registry.create_or_update(user_topic("t")));
    EXPECT_EQ(registry.version().counter, start.counter + 1);
    ASSERT_FALSE(registry.create_or_update(user_topic("t")));
    EXPECT_EQ(registry.version().counter, start.counter + 1) << "same config, no change";
    ASSERT_FALSE(registry.create_or_update(user_topic("t", 8)));
    EXPECT_EQ(registry.version().counter, start.counter + 2);
    EXPECT_EQ(registry.find("t")->write_queue_nums, 8);
    ASSERT_FALSE(registry.remove("t"));
    EXPECT_EQ(registry.version().counter, start.counter + 3);
}

TEST(TopicRegistry, AutoCreatesFromTheTemplateWhenEnabled) {
    temp_dir dir;
    {
        topic_registry registry(options_for(dir));
        ASSERT_FALSE(registry.load());
        const auto created = registry.find_or_auto_create("fresh");
        ASSERT_TRUE(created) << created.error().message();
        EXPECT_EQ(*created, user_topic("fresh", client_default_topic_queue_nums)) << "perm 7 minus INHERIT";
        EXPECT_EQ(registry.find_or_auto_create("big", 64)->write_queue_nums, 8) << "capped by TBW102";
        EXPECT_EQ(registry.find_or_auto_create("small", 2)->write_queue_nums, 2);
        EXPECT_EQ(registry.find_or_auto_create("fresh", 2)->write_queue_nums, 4) << "an existing topic stays";
        EXPECT_EQ(registry.find_or_auto_create("TRANS_CHECK_MAX_TIME_TOPIC").error(),
                  core_errc::reserved_topic_name);
    }
    topic_registry registry(options_for(dir));
    ASSERT_FALSE(registry.load());
    EXPECT_TRUE(registry.find("fresh")) << "auto-created topics are persisted";
}

TEST(TopicRegistry, AutoCreateOffRefusesUnknownTopicsAndDropsTheTemplate) {
    temp_dir dir;
    {
        topic_registry registry(options_for(dir, true));
        ASSERT_FALSE(registry.load());
        ASSERT_TRUE(registry.find("TBW102"));
    }
    topic_registry registry(options_for(dir, false));
    ASSERT_FALSE(registry.load());
    EXPECT_FALSE(registry.find("TBW102"));
    EXPECT_EQ(registry.find_or_auto_create("unknown").error(), core_errc::topic_not_exist);
    EXPECT_FALSE(registry.find("unknown"));

    ASSERT_FALSE(registry.create_or_update(user_topic("known")));
    EXPECT_TRUE(registry.find_or_auto_create("known"));
    EXPECT_TRUE(registry.find_or_auto_create("%RETRY%g")) << "retry topics follow their group, not the flag";
    EXPECT_TRUE(registry.find("SCHEDULE_TOPIC_XXXX")) << "the other system topics stay";
}

TEST(TopicRegistry, RetryAndDeadLetterTopicsAreCreatedOnDemand) {
    EXPECT_EQ(retry_topic_name("g1"), "%RETRY%g1");
    EXPECT_EQ(dlq_topic_name("g1"), "%DLQ%g1");
    EXPECT_TRUE(is_retry_topic("%RETRY%g1"));
    EXPECT_FALSE(is_retry_topic("%DLQ%g1"));
    EXPECT_TRUE(is_dlq_topic("%DLQ%g1"));
    EXPECT_FALSE(is_dlq_topic("orders"));
    EXPECT_TRUE(is_system_topic("TBW102"));
    EXPECT_TRUE(is_system_topic("RMQ_SYS_TRANS_HALF_TOPIC"));
    EXPECT_TRUE(is_system_topic("rmq_sys_REVIVE_LOG_c1"));
    EXPECT_FALSE(is_system_topic("%RETRY%g1"));
    EXPECT_FALSE(is_system_topic("orders"));

    temp_dir dir;
    topic_registry registry(options_for(dir));
    ASSERT_FALSE(registry.load());
    const auto retry = registry.retry_topic_for("g1");
    ASSERT_TRUE(retry);
    EXPECT_EQ(*retry, (topic_config{"%RETRY%g1", 1, 1, 6, 0, false}));
    const auto dlq = registry.dlq_topic_for("g1");
    ASSERT_TRUE(dlq);
    EXPECT_EQ(*dlq, (topic_config{"%DLQ%g1", 1, 1, 6, 0, false}));
    EXPECT_EQ(registry.find_or_auto_create("%DLQ%g2")->write_queue_nums, 1);

    const auto counter = registry.version().counter;
    EXPECT_TRUE(registry.retry_topic_for("g1"));
    EXPECT_EQ(registry.version().counter, counter) << "a second call finds the topic";
    EXPECT_EQ(registry.retry_topic_for("bad group").error(), core_errc::invalid_topic_name);
    EXPECT_EQ(registry.retry_topic_for(std::string(121, 'g')).error(), core_errc::invalid_topic_name)
        << "%RETRY% plus the group must fit in 127";
}

TEST(TopicRegistry, RemovesUserTopicsButNotSystemOnes) {
    temp_dir dir;
    {
        topic_registry registry(options_for(dir));
        ASSERT_FALSE(registry.load());
        ASSERT_FALSE(registry.create_or_update(user_topic("gone")));
        ASSERT_FALSE(registry.remove("gone"));
        EXPECT_EQ(registry.remove("gone"), core_errc::topic_not_exist);
        EXPECT_EQ(registry.remove("TBW102"), core_errc::reserved_topic_name);
    }
    topic_registry registry(options_for(dir));
    ASSERT_FALSE(registry.load());
    EXPECT_FALSE(registry.find("gone"));
    EXPECT_TRUE(registry.find("TBW102"));
}

TEST(TopicRegistry, ConcurrentAutoCreationYieldsOneTopicEach) {
    temp_dir dir;
    topic_registry registry(options_for(dir));
    ASSERT_FALSE(registry.load());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&registry] {
            for (int i = 0; i < 50; ++i) EXPECT_TRUE(registry.find_or_auto_create("t" + std::to_string(i)));
        });
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(registry.list().size(), 7u + 50u);

    topic_registry reloaded(options_for(dir));
    ASSERT_FALSE(reloaded.load());
    EXPECT_EQ(reloaded.list().size(), 7u + 50u) << "the last save holds every topic";
}

} // namespace
} // namespace gantry::core
