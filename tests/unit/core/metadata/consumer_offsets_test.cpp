#include "gantry/core/consumer_offsets.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "gantry/core/core_error.hpp"
#include "metadata_test_support.hpp"

namespace gantry::core {
namespace {

using metadata_testing::read_file;
using metadata_testing::temp_dir;
using metadata_testing::write_file;
using nlohmann::json;

// Queue q of any topic holds offsets 10q .. 100+q; offset n was stored at
// time 1000 + n.
class fake_oracle final : public offset_oracle {
public:
    std::int64_t min_offset(std::string_view, std::int32_t q) const override { return 10 * q; }
    std::int64_t max_offset(std::string_view, std::int32_t q) const override { return 100 + q; }
    std::int64_t offset_for_timestamp(std::string_view topic, std::int32_t q, std::int64_t ms) const override {
        return std::clamp<std::int64_t>(ms - 1000, min_offset(topic, q), max_offset(topic, q));
    }
};

TEST(ConsumerOffsets, CommitOverwritesEvenBackwards) {
    temp_dir dir;
    consumer_offsets offsets(dir.path());
    EXPECT_FALSE(offsets.query("g", "t", 0)) << "never committed";
    offsets.commit("g", "t", 0, 12);
    offsets.commit("g", "t", 1, 7);
    EXPECT_EQ(offsets.query("g", "t", 0), 12);
    offsets.commit("g", "t", 0, 3);
    EXPECT_EQ(offsets.query("g", "t", 0), 3) << "a client reset is a backwards commit";
    EXPECT_FALSE(offsets.query("g", "t", 2));
    EXPECT_FALSE(offsets.query("other", "t", 0));
    EXPECT_EQ(offsets.offsets_of("g", "t"), (queue_offsets{{0, 3}, {1, 7}}));
    EXPECT_TRUE(offsets.offsets_of("g", "u").empty());
}

TEST(ConsumerOffsets, PersistsInRocketMqsShapeAndReloads) {
    temp_dir dir;
    {
        consumer_offsets offsets(dir.path());
        ASSERT_FALSE(offsets.load()) << "a first start has no file";
        offsets.commit("g", "t", 0, 12);
        offsets.commit("g", "t", 1, 7);
        offsets.commit("g@x", "t", 0, 5);
        ASSERT_FALSE(offsets.persist());
    }
    const auto document = json::parse(read_file(dir.path() / "config" / "consumerOffset.json"));
    EXPECT_EQ(document, json::parse(R"({"offsetTable":{"t@g":{"0":12,"1":7},"t@g@x":{"0":5}}})"));

    consumer_offsets offsets(dir.path());
    ASSERT_FALSE(offsets.load());
    EXPECT_EQ(offsets.offsets_of("g", "t"), (queue_offsets{{0, 12}, {1, 7}}));
    EXPECT_EQ(offsets.query("g@x", "t", 0), 5) << "the topic ends at the first '@'";
}

TEST(ConsumerOffsets, PersistsOnlyWhenSomethingChanged) {
    temp_dir dir;
    consumer_offsets offsets(dir.path());
    ASSERT_FALSE(offsets.persist());
    EXPECT_FALSE(std::filesystem::exists(offsets.file_path())) << "nothing to write";
    offsets.commit("g", "t", 0, 1);
    ASSERT_FALSE(offsets.persist());
    ASSERT_TRUE(std::filesystem::exists(offsets.file_path()));
    std::filesystem::remove(offsets.file_path());
    ASSERT_FALSE(offsets.persist());
    EXPECT_FALSE(std::filesystem::exists(offsets.file_path())) << "clean table, no write";
    offsets.remove_group("nobody");
    ASSERT_FALSE(offsets.persist());
    EXPECT_FALSE(std::filesystem::exists(offsets.file_path())) << "removing nothing is no change";
}

TEST(ConsumerOffsets, DurableOffsetsAreWhatTheLastWriteHolds) {
    temp_dir dir;
    {
        consumer_offsets offsets(dir.path());
        offsets.commit("g", "t", 0, 5);
        EXPECT_FALSE(offsets.query_durable("g", "t", 0)) << "committed, not yet written";
        ASSERT_FALSE(offsets.persist());
        offsets.commit("g", "t", 0, 9);
        EXPECT_EQ(offsets.query("g", "t", 0), 9);
        EXPECT_EQ(offsets.query_durable("g", "t", 0), 5);

        // A write that fails leaves the durable view where the file is.
        std::filesystem::remove_all(dir.path() / "config");
        write_file(dir.path() / "config", "not a directory");
        EXPECT_TRUE(offsets.persist());
        EXPECT_EQ(offsets.query_durable("g", "t", 0), 5);
        std::filesystem::remove(dir.path() / "config");
        ASSERT_FALSE(offsets.persist()) << "still dirty, written now";
        EXPECT_EQ(offsets.query_durable("g", "t", 0), 9);
        EXPECT_FALSE(offsets.query_durable("g", "t", 1));
    }
    consumer_offsets reloaded(dir.path());
    ASSERT_FALSE(reloaded.load());
    EXPECT_EQ(reloaded.query_durable("g", "t", 0), 9) << "what is loaded is on disk";
}

TEST(ConsumerOffsets, LoadFallsBackToTheBackupAndRejectsGarbage) {
    temp_dir dir;
    {
        consumer_offsets offsets(dir.path());
        offsets.commit("g", "t", 0, 1);
        ASSERT_FALSE(offsets.persist());
        offsets.commit("g", "t", 0, 2);
        ASSERT_FALSE(offsets.persist());
    }
    const auto path = dir.path() / "config" / "consumerOffset.json";
    write_file(path, R"({"offsetTable":{"t@g":{"zero":1}}})");
    {
        consumer_offsets offsets(dir.path());
        ASSERT_FALSE(offsets.load());
        EXPECT_EQ(offsets.query("g", "t", 0), 1) << "the backup is one persist behind";
    }
    write_file(path, "[");
    std::filesystem::remove(dir.path() / "config" / "consumerOffset.json.bak");
    consumer_offsets offsets(dir.path());
    EXPECT_EQ(offsets.load(), core_errc::metadata_corrupt);
}

TEST(ConsumerOffsets, RemoveGroupLeavesNothingBehind) {
    temp_dir dir;
    {
        consumer_offsets offsets(dir.path());
        offsets.commit("durable", "t", 0, 5);
        offsets.commit("temp", "t", 0, 6);
        offsets.commit("temp", "u", 3, 7);
        EXPECT_EQ(offsets.groups_of_topic("t"), (std::vector<std::string>{"durable", "temp"}));
        offsets.remove_group("temp");
        EXPECT_FALSE(offsets.query("temp", "t", 0));
        EXPECT_FALSE(offsets.query("temp", "u", 3));
        EXPECT_EQ(offsets.groups_of_topic("t"), (std::vector<std::string>{"durable"}));
        EXPECT_TRUE(offsets.groups_of_topic("u").empty());
        ASSERT_FALSE(offsets.persist());
    }
    EXPECT_EQ(read_file(dir.path() / "config" / "consumerOffset.json").find("temp"), std::string::npos);
    consumer_offsets offsets(dir.path());
    ASSERT_FALSE(offsets.load());
    EXPECT_EQ(offsets.query("durable", "t", 0), 5);
    offsets.remove_topic("t");
    EXPECT_TRUE(offsets.groups_of_topic("t").empty());
}

TEST(ConsumerOffsets, ResetsEveryQueueToEarliestLatestOrATimestamp) {
    temp_dir dir;
    consumer_offsets offsets(dir.path());
    const fake_oracle store;
    offsets.commit("g", "t", 0, 50);
    offsets.commit("g", "t", 5, 9);  // beyond the queue count: left alone

    EXPECT_EQ(offsets.reset("g", "t", 3, reset_point::earliest(), store), (queue_offsets{{0, 0}, {1, 10}, {2, 20}}));
    EXPECT_EQ(offsets.offsets_of("g", "t"), (queue_offsets{{0, 0}, {1, 10}, {2, 20}, {5, 9}}));

    EXPECT_EQ(offsets.reset("g", "t", 3, reset_point::latest(), store), (queue_offsets{{0, 100}, {1, 101}, {2, 102}}));
    EXPECT_EQ(offsets.query("g", "t", 2), 102);

    EXPECT_EQ(offsets.reset("g", "t", 3, reset_point::at(1015), store), (queue_offsets{{0, 15}, {1, 15}, {2, 20}}));
    EXPECT_EQ(offsets.query("g", "t", 1), 15);

    EXPECT_TRUE(offsets.reset("g", "t", 0, reset_point::latest(), store).empty());

    offsets.reset_to("g", "t", 1, 42);
    EXPECT_EQ(offsets.query("g", "t", 1), 42);
    offsets.reset_to("new", "t", 0, 7);
    EXPECT_EQ(offsets.query("new", "t", 0), 7);
}

TEST(ConsumerOffsets, ConcurrentCommitsAndPersistsLoseNothing) {
    temp_dir dir;
    consumer_offsets offsets(dir.path());
    constexpr int threads = 6;
    constexpr int commits = 2000;
    std::atomic<bool> done{false};
    std::thread persister([&] {
        while (!done.load()) EXPECT_FALSE(offsets.persist());
    });
    std::vector<std::thread> committers;
    for (int t = 0; t < threads; ++t)
        committers.emplace_back([&offsets, t] {
            const auto group = "g" + std::to_string(t % 2);
            for (int i = 1; i <= commits; ++i) {
                offsets.commit(group, "t", t, i);
                offsets.query(group, "t", t);
            }
        });
    for (auto& committer : committers) committer.join();
    done = true;
    persister.join();
    ASSERT_FALSE(offsets.persist());

    consumer_offsets reloaded(dir.path());
    ASSERT_FALSE(reloaded.load());
    for (int t = 0; t < threads; ++t) EXPECT_EQ(reloaded.query("g" + std::to_string(t % 2), "t", t), commits);
}

} // namespace
} // namespace gantry::core
