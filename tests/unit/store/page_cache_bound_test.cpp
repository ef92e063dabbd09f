// commitLogPageCacheBytes: written-back commit log far enough behind the
// flushed offset leaves the page cache, and reads of it still return the
// bytes (from disk).
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "gantry/store/mapped_file_queue.hpp"
#include "store_test_support.hpp"

namespace gantry::store {
namespace {

using testing::cached_pages;
using testing::small_config;
using testing::temp_dir;
using testing::test_message;

constexpr std::int64_t page = mapped_file::page_size;

// Fills [0, size) of each of the queue's first `count` files with a byte
// that names the page, flushes them, and reads every page back through the
// queue's own mapping so that it is both cached and mapped.
std::vector<mapped_file_ptr> written_files(mapped_file_queue& files, int count) {
    std::vector<mapped_file_ptr> made;
    for (int i = 0; i < count; ++i) {
        auto file = files.last_file_for_append(i * files.file_size());
        if (!file) return {};
        const std::int64_t size = (*file)->size();
        for (std::int64_t at = 0; at < size; at += page) {
            const std::string bytes(page, static_cast<char>('a' + ((*file)->from_offset() + at) / page % 26));
            if (::pwrite((*file)->descriptor(), bytes.data(), bytes.size(), at) != page) return {};
        }
        (*file)->set_wrote_position(size);
        made.push_back(*file);
    }
    if (!files.flush(0)) return {};
    volatile char sink = 0;
    for (const auto& file : made)
        for (std::int64_t at = 0; at < file->size(); at += page) sink = sink + static_cast<char>(file->data()[at]);
    return made;
}

char expected_at(std::int64_t offset) { return static_cast<char>('a' + offset / page % 26); }

class PageCacheBoundTest : public ::testing::Test {
protected:
    static constexpr std::int64_t file_size = 64 * page;

    void SetUp() override { ASSERT_FALSE(files.load()); }

    temp_dir dir;
    mapped_file_queue files{dir.path(), file_size};
};

TEST_F(PageCacheBoundTest, TheBytesBeforeTheOffsetLeaveTheCacheAndStillReadBack) {
    const auto made = written_files(files, 2);
    ASSERT_EQ(made.size(), 2u);
    ASSERT_EQ(cached_pages(made[0]->path(), 0, file_size), 64);

    files.drop_cache_before(file_size + 10 * page + 100); // into the second file, not on a page boundary

    EXPECT_EQ(cached_pages(made[0]->path(), 0, file_size), 0);
    EXPECT_EQ(cached_pages(made[1]->path(), 0, 10 * page), 0);
    EXPECT_EQ(cached_pages(made[1]->path(), 10 * page, file_size - 10 * page), 54);
    // The dropped part is read again with readahead; the part still appended
    // to keeps none (readahead_advice_test.cpp).
    const auto maps = testing::mappings_of(made[1]->path());
    ASSERT_EQ(maps.size(), 2u);
    EXPECT_EQ(maps[0].bytes, 10 * page);
    EXPECT_NE(maps[0].vm_flags.find(" sr "), std::string::npos) << maps[0].vm_flags;
    EXPECT_NE(maps[1].vm_flags.find(" rr "), std::string::npos) << maps[1].vm_flags;
    for (const auto& file : made)
        for (std::int64_t at = 0; at < file_size; at += page)
            ASSERT_EQ(static_cast<char>(file->data()[at + 7]), expected_at(file->from_offset() + at)) << at;
}

TEST_F(PageCacheBoundTest, NothingPastTheFlushedOffsetIsDropped) {
    const auto made = written_files(files, 1);
    ASSERT_EQ(made.size(), 1u);
    files.set_flushed_offset(20 * page); // as if the rest were still dirty

    files.drop_cache_before(file_size);

    EXPECT_EQ(cached_pages(made[0]->path(), 0, 20 * page), 0);
    EXPECT_EQ(cached_pages(made[0]->path(), 20 * page, file_size - 20 * page), 44);
}

TEST(PageCacheBoundStoreTest, TheStoreDropsWhatLiesTheConfiguredBytesBehindTheFlushedOffset) {
    temp_dir dir;
    auto config = small_config(dir.path());
    config.commit_log_file_size = 8 * 1024 * 1024;
    config.max_message_size = 64 * 1024;
    config.commit_log_page_cache_bytes = 2 * 1024 * 1024;
    message_store store(config);
    ASSERT_FALSE(store.start());
    // 16 MiB is the step the flusher drops in; past it by the bound and more.
    const test_message m{"t", 0, std::string(60 * 1024, 'x'), ""};
    while (store.commit_log_max_offset() < 24 * 1024 * 1024) ASSERT_TRUE(store.put(m.view()));
    const auto first_segment = config.commit_log_dir() / mapped_file::file_name(0);
    std::int64_t cached = -1;
    for (int i = 0; i < 500; ++i) {
        cached = cached_pages(first_segment, 0, config.commit_log_file_size);
        if (cached == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(cached, 0);
    const auto last_segment = config.commit_log_dir() / mapped_file::file_name(2 * config.commit_log_file_size);
    EXPECT_GT(cached_pages(last_segment, 0, config.commit_log_file_size), 0);

    auto got = store.get_messages({.topic = "t", .queue_id = 0, .offset = 0, .max_messages = 1});
    ASSERT_EQ(got.messages.size(), 1u);
    EXPECT_EQ(testing::body_of(got.messages[0].bytes), m.body);
}

} // namespace
} // namespace gantry::store
