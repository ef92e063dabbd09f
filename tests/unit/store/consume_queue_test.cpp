#include "gantry/store/consume_queue.hpp"

#include <gtest/gtest.h>

#include "store_test_support.hpp"

namespace gantry::store {
namespace {

using testing::temp_dir;

constexpr std::int64_t queue_file_size = 10 * consume_queue::entry_size;

TEST(ConsumeQueue, EntriesAreTwentyBigEndianBytesAtOffsetTimesTwenty) {
    temp_dir dir;
    consume_queue cq("t", 0, dir.path(), queue_file_size);
    ASSERT_FALSE(cq.load());
    cq.recover(0, 0);
    ASSERT_FALSE(cq.put(0, {0x0102030405060708, 0x11223344, -5}));
    ASSERT_FALSE(cq.put(1, {200, 50, 7}));
    const auto file = dir.path() / mapped_file::file_name(0);
    ASSERT_TRUE(std::filesystem::exists(file));
    EXPECT_EQ(std::filesystem::file_size(file), static_cast<std::uintmax_t>(queue_file_size));
    auto e = cq.get(1);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->physical_offset, 200);
    EXPECT_EQ(e->size, 50);
    EXPECT_EQ(e->tag_code, 7);
    auto first = cq.get(0);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->tag_code, -5);
    EXPECT_EQ(cq.max_offset(), 2);
    EXPECT_FALSE(cq.get(2));
}

TEST(ConsumeQueue, ReadsAcrossFilesAndIgnoresReplayedEntries) {
    temp_dir dir;
    consume_queue cq("t", 0, dir.path(), queue_file_size);
    ASSERT_FALSE(cq.load());
    for (int i = 0; i < 25; ++i) ASSERT_FALSE(cq.put(i, {i * 100, 100, 0}));
    ASSERT_FALSE(cq.put(3, {9999, 1, 0})) << "a replayed entry is ignored";
    std::vector<cq_entry> out(30);
    ASSERT_EQ(cq.read(0, out), 25u);
    for (int i = 0; i < 25; ++i) EXPECT_EQ(out[static_cast<std::size_t>(i)].physical_offset, i * 100);
    EXPECT_EQ(cq.read(8, std::span(out).first(5)), 5u);
    EXPECT_EQ(out[0].physical_offset, 800);
}

TEST(ConsumeQueue, AQueueStartingPastZeroIsPaddedAndStartsThere) {
    temp_dir dir;
    consume_queue cq("t", 0, dir.path(), queue_file_size);
    ASSERT_FALSE(cq.load());
    ASSERT_FALSE(cq.put(23, {500, 10, 0}));
    EXPECT_EQ(cq.min_offset(), 23);
    EXPECT_EQ(cq.max_offset(), 24);
    EXPECT_FALSE(cq.get(22));
    EXPECT_EQ(cq.get(23)->physical_offset, 500);
    EXPECT_TRUE(std::filesystem::exists(dir.path() / mapped_file::file_name(20 * consume_queue::entry_size)));
}

TEST(ConsumeQueue, RecoveryFindsTheEndAndDropsEntriesPastTheLog) {
    temp_dir dir;
    {
        consume_queue cq("t", 0, dir.path(), queue_file_size);
        ASSERT_FALSE(cq.load());
        for (int i = 0; i < 15; ++i) ASSERT_FALSE(cq.put(i, {i * 100, 100, 0}));
    }
    consume_queue cq("t", 0, dir.path(), queue_file_size);
    ASSERT_FALSE(cq.load());
    cq.recover(0, 1200); // the log ends after entry 11's record
    EXPECT_EQ(cq.max_offset(), 12);
    EXPECT_EQ(cq.max_physical_end(), 1200);
    ASSERT_FALSE(cq.put(12, {1200, 100, 0}));
    EXPECT_EQ(cq.get(12)->physical_offset, 1200);
}

} // namespace
} // namespace gantry::store
