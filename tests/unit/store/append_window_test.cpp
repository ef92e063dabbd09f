// The commit log writes through a small mapping that follows its appends,
// never through the segment's own mapping (see append_window.hpp for why).
#include "gantry/store/append_window.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "store_test_support.hpp"

namespace gantry::store {
namespace {

using testing::mappings_of;
using testing::temp_dir;

constexpr std::int64_t segment_size = 1024 * 1024;
constexpr std::int64_t window_size = 64 * 1024;

class AppendWindowTest : public ::testing::Test {
protected:
    mapped_file_ptr segment(std::int64_t from_offset) {
        auto file = mapped_file::create(dir_.path(), from_offset, segment_size);
        EXPECT_TRUE(file);
        return file ? *file : nullptr;
    }
    static void write(append_window& window, const mapped_file_ptr& file, std::int64_t position, char fill,
                      std::int64_t length) {
        auto bytes = window.bytes(file, position, length);
        ASSERT_TRUE(bytes) << bytes.error().message();
        ASSERT_EQ(bytes->size(), static_cast<std::size_t>(length));
        std::memset(bytes->data(), fill, bytes->size());
    }
    static bool reads(const mapped_file_ptr& file, std::int64_t position, char fill, std::int64_t length) {
        const auto view = file->view(position, length);
        return std::all_of(view.begin(), view.end(), [&](std::byte b) { return b == std::byte(fill); });
    }

    temp_dir dir_;
};

TEST_F(AppendWindowTest, WhatIsWrittenThroughItIsReadThroughTheSegmentsOwnMapping) {
    auto file = segment(0);
    append_window window(window_size);
    write(window, file, 100, 'a', 1000);
    write(window, file, 1100, 'b', 3000);
    EXPECT_TRUE(reads(file, 100, 'a', 1000));
    EXPECT_TRUE(reads(file, 1100, 'b', 3000));
}

TEST_F(AppendWindowTest, ItFollowsTheAppendsAndStaysItsOwnSize) {
    auto file = segment(0);
    append_window window(window_size);
    write(window, file, 0, 'a', 100);
    write(window, file, 300 * 1024 + 10, 'b', 100);
    EXPECT_TRUE(reads(file, 300 * 1024 + 10, 'b', 100));
    const auto maps = mappings_of(file->path());
    ASSERT_EQ(maps.size(), 2u);
    EXPECT_EQ(maps[0].bytes + maps[1].bytes, segment_size + window_size);
}

TEST_F(AppendWindowTest, AnAppendLargerThanTheWindowIsMappedWhole) {
    auto file = segment(0);
    append_window window(16 * 1024);
    write(window, file, 5000, 'c', 40 * 1024);
    EXPECT_TRUE(reads(file, 5000, 'c', 40 * 1024));
}

TEST_F(AppendWindowTest, ItEndsWhereTheSegmentEnds) {
    auto file = segment(0);
    append_window window(window_size);
    write(window, file, segment_size - 8, 'd', 8);
    EXPECT_TRUE(reads(file, segment_size - 8, 'd', 8));
    const auto maps = mappings_of(file->path());
    ASSERT_EQ(maps.size(), 2u);
    EXPECT_EQ(std::min(maps[0].bytes, maps[1].bytes), 4096);
}

TEST_F(AppendWindowTest, MovingToTheNextSegmentLetsThePreviousOneGo) {
    auto first = segment(0);
    auto second = segment(segment_size);
    append_window window(window_size);
    write(window, first, 0, 'e', 10);
    write(window, second, 0, 'f', 10);
    EXPECT_EQ(mappings_of(first->path()).size(), 1u);
    EXPECT_EQ(mappings_of(second->path()).size(), 2u);
    window.unmap();
    EXPECT_EQ(mappings_of(second->path()).size(), 1u);
    EXPECT_TRUE(reads(first, 0, 'e', 10));
    EXPECT_TRUE(reads(second, 0, 'f', 10));
}

} // namespace
} // namespace gantry::store
