// The page warmer faults in what it is asked to, no more, maps it writable so
// that neither a reader nor a writer through the mapping faults, says how far
// it has, and skips what the writer has passed; warm_ahead asks for the next
// window only as the writer nears the warmed end; the store warms its commit
// log and consume queues when given a window, and runs no warming thread
// without one.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <cstdint>
#include <string>
#include <thread>

#include "gantry/store/consume_queue.hpp"
#include "gantry/store/page_warmer.hpp"
#include "store_test_support.hpp"

namespace gantry::store {
namespace {

using testing::cached_pages;
using testing::small_config;
using testing::temp_dir;
using testing::test_message;

constexpr std::int64_t page_bytes = mapped_file::page_size;
constexpr std::int64_t warmed_file_size = 64 * page_bytes;

// Waits (bounded) until the warmer has taken `ranges` ranges off its queue.
bool wait_done(const page_warmer& warmer, std::uint64_t ranges) {
    for (int i = 0; i < 500 && warmer.ranges_done() < ranges; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return warmer.ranges_done() >= ranges;
}

// Waits (bounded) until `pages` pages of [0, length) of `path` are cached.
std::int64_t wait_cached(const std::filesystem::path& path, std::int64_t length, std::int64_t pages) {
    std::int64_t cached = -1;
    for (int i = 0; i < 500; ++i) {
        cached = cached_pages(path, 0, length);
        if (cached >= pages) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return cached;
}

// Page faults this thread has taken so far.
long faults_taken() {
    rusage usage{};
    ::getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_minflt + usage.ru_majflt;
}

// Threads of this process with that name.
int threads_named(const std::string& name) {
    int n = 0;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream comm(task.path() / "comm");
        std::string line;
        if (std::getline(comm, line) && line == name) ++n;
    }
    return n;
}

class PageWarmerTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto made = mapped_file::create(dir.path(), 0, warmed_file_size);
        ASSERT_TRUE(made);
        file = *made;
        file->advise(mapped_file::readahead::none); // as every file being appended to is
        ASSERT_EQ(cached_pages(file->path(), 0, warmed_file_size), 0); // fallocated: nothing cached until touched
    }

    temp_dir dir;
    mapped_file_ptr file;
    page_warmer warmer;
};

TEST_F(PageWarmerTest, FaultsInTheRangeAskedForAndNothingElse) {
    warmer.start();
    warmer.warm(file, 8 * page_bytes, 24 * page_bytes);
    ASSERT_TRUE(wait_done(warmer, 1));
    EXPECT_EQ(cached_pages(file->path(), 0, 8 * page_bytes), 0);
    EXPECT_EQ(cached_pages(file->path(), 8 * page_bytes, 16 * page_bytes), 16);
    EXPECT_EQ(cached_pages(file->path(), 24 * page_bytes, warmed_file_size - 24 * page_bytes), 0);
}

TEST_F(PageWarmerTest, TheWarmedPagesReadAsZerosAndTakeWhatIsWrittenAfter) {
    warmer.start();
    warmer.warm(file, 0, 4 * page_bytes);
    ASSERT_TRUE(wait_done(warmer, 1));
    ASSERT_EQ(cached_pages(file->path(), 0, warmed_file_size), 4);
    for (std::int64_t at = 0; at < 4 * page_bytes; ++at) ASSERT_EQ(file->data()[at], std::byte{0}) << at;
    const std::string bytes = "written after warming";
    ASSERT_EQ(::pwrite(file->descriptor(), bytes.data(), bytes.size(), page_bytes + 10),
              static_cast<ssize_t>(bytes.size()));
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(file->data() + page_bytes + 10), bytes.size()), bytes);
}

TEST_F(PageWarmerTest, ReadingOrWritingWarmedPagesTakesNoFaultAndFindsThemZero) {
    warmer.start();
    warmer.warm(file, 0, 32 * page_bytes);
    ASSERT_TRUE(wait_done(warmer, 1));
    volatile std::byte* data = file->data();
    const long before = faults_taken();
    for (std::int64_t at = 0; at < 32 * page_bytes; ++at) {
        const std::byte read = data[at];
        ASSERT_EQ(read, std::byte{0}) << at;
    }
    for (std::int64_t at = 0; at < 32 * page_bytes; at += page_bytes) data[at + 3] = std::byte{7};
    EXPECT_EQ(faults_taken() - before, 0);
    data[40 * page_bytes] = std::byte{7}; // not warmed: the way a fault shows
    EXPECT_GE(faults_taken() - before, 1);
}

TEST_F(PageWarmerTest, MovesTheMappedWritableEndAsItGoes) {
    EXPECT_EQ(file->mapped_writable_end(), 0);
    warmer.start();
    warmer.warm(file, 0, 20 * page_bytes);
    ASSERT_TRUE(wait_done(warmer, 1));
    EXPECT_EQ(file->mapped_writable_end(), 20 * page_bytes);
    warmer.warm(file, 20 * page_bytes, 24 * page_bytes);
    ASSERT_TRUE(wait_done(warmer, 2));
    EXPECT_EQ(file->mapped_writable_end(), 24 * page_bytes);
}

TEST_F(PageWarmerTest, LeavesAlonePagesTheWriterIsInOrHasOvertakenTheWarmerIn) {
    const std::string written = "entry!!!";
    const std::string overtaken = "overtake";
    std::memcpy(file->data() + 2 * page_bytes, written.data(), written.size());
    std::memcpy(file->data() + 5 * page_bytes, overtaken.data(), overtaken.size());
    file->set_wrote_position(2 * page_bytes + 8); // the writer is in page 2; page 5 as if it got there since
    warmer.start();
    warmer.warm(file, 0, 8 * page_bytes);
    ASSERT_TRUE(wait_done(warmer, 1));
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(file->data() + 2 * page_bytes), written.size()), written);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(file->data() + 5 * page_bytes), overtaken.size()), overtaken);
    volatile std::byte* data = file->data();
    const long before = faults_taken();
    for (std::int64_t at = 3 * page_bytes; at < 8 * page_bytes; at += page_bytes) data[at + 9] = std::byte{7};
    EXPECT_EQ(faults_taken() - before, 0);
}

TEST_F(PageWarmerTest, SkipsWhatTheWriterHasPassed) {
    file->set_wrote_position(20 * page_bytes + 100);
    warmer.start();
    warmer.warm(file, 0, 10 * page_bytes);               // wholly behind the writer
    warmer.warm(file, 16 * page_bytes, 24 * page_bytes); // from the writer's page on
    ASSERT_TRUE(wait_done(warmer, 2));
    EXPECT_EQ(cached_pages(file->path(), 0, 20 * page_bytes), 0);
    EXPECT_EQ(cached_pages(file->path(), 20 * page_bytes, warmed_file_size - 20 * page_bytes), 4);
}

TEST_F(PageWarmerTest, IgnoresRangesBeforeStartAndAfterStop) {
    warmer.warm(file, 0, 8 * page_bytes);
    warmer.start();
    warmer.warm(file, 8 * page_bytes, 10 * page_bytes);
    ASSERT_TRUE(wait_done(warmer, 1));
    warmer.stop();
    warmer.warm(file, 32 * page_bytes, 40 * page_bytes);
    EXPECT_EQ(warmer.ranges_done(), 1u);
    EXPECT_EQ(cached_pages(file->path(), 0, warmed_file_size), 2);
}

TEST_F(PageWarmerTest, WarmAheadAsksForTheNextWindowWhenTheWriterIsHalfwayThroughIt) {
    warmer.start();
    warm_ahead ahead(&warmer, 16 * page_bytes);
    ahead.wrote(file, 100);      // warms [100, 16 pages + 100)
    ahead.wrote(file, 4 * page_bytes); // 12 pages still warm: nothing asked
    ASSERT_TRUE(wait_done(warmer, 1));
    EXPECT_EQ(cached_pages(file->path(), 0, warmed_file_size), 17);
    ahead.wrote(file, 9 * page_bytes); // 7 pages left: up to 25 pages
    ASSERT_TRUE(wait_done(warmer, 2));
    EXPECT_EQ(cached_pages(file->path(), 0, warmed_file_size), 25);
    ahead.wrote(file, 60 * page_bytes); // the window is cut at the end of the file
    ASSERT_TRUE(wait_done(warmer, 3));
    EXPECT_EQ(cached_pages(file->path(), 0, warmed_file_size), 64);
    ahead.wrote(file, warmed_file_size - 1);
    EXPECT_EQ(warmer.ranges_done(), 3u); // nothing past the end is asked for
}

TEST_F(PageWarmerTest, WarmAheadWithoutAWindowWarmsNothing) {
    warmer.start();
    warm_ahead ahead(&warmer, 0);
    ahead.wrote(file, 100);
    warmer.warm(file, 40 * page_bytes, 41 * page_bytes); // a marker behind it in the queue
    ASSERT_TRUE(wait_done(warmer, 1));
    EXPECT_EQ(cached_pages(file->path(), 0, warmed_file_size), 1);
}

TEST(PageWarmerStoreTest, TheStoreWarmsPastTheEndsOfItsCommitLogAndConsumeQueues) {
    temp_dir dir;
    auto config = small_config(dir.path());
    config.commit_log_file_size = 1024 * 1024;
    config.consume_queue_file_size = 4096 * 20; // 20 pages
    config.commit_log_warm_ahead_bytes = 256 * 1024;
    config.consume_queue_warm_ahead_bytes = 4 * page_bytes;
    message_store store(config);
    ASSERT_FALSE(store.start());
    EXPECT_EQ(threads_named("gantry-warm"), 1);
    const test_message m{"t", 0, "hello", ""};
    ASSERT_TRUE(store.put(m.view()));
    ASSERT_TRUE(testing::wait_dispatched(store));

    // From the written end's page to that end plus the window: one page more
    // than the window, the end not being on a page boundary.
    const auto segment = config.commit_log_dir() / mapped_file::file_name(0);
    EXPECT_EQ(wait_cached(segment, config.commit_log_file_size, 65), 65);
    EXPECT_EQ(cached_pages(segment, 65 * page_bytes, config.commit_log_file_size - 65 * page_bytes), 0);
    const auto queue = config.consume_queue_dir() / "t" / "0" / mapped_file::file_name(0);
    EXPECT_EQ(wait_cached(queue, config.consume_queue_file_size, 5), 5);
    EXPECT_EQ(cached_pages(queue, 5 * page_bytes, config.consume_queue_file_size - 5 * page_bytes), 0);
}

TEST(PageWarmerStoreTest, ZeroBytesAheadTurnsWarmingOffAndNoWarmingThreadRuns) {
    temp_dir dir;
    auto config = small_config(dir.path());
    config.commit_log_file_size = 1024 * 1024;
    config.commit_log_warm_ahead_bytes = 0;
    config.consume_queue_warm_ahead_bytes = 0;
    message_store store(config);
    ASSERT_FALSE(store.start());
    EXPECT_EQ(threads_named("gantry-warm"), 0);
    const test_message m{"t", 0, "hello", ""};
    ASSERT_TRUE(store.put(m.view()));
    ASSERT_TRUE(testing::wait_dispatched(store));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(cached_pages(config.commit_log_dir() / mapped_file::file_name(0), 0, config.commit_log_file_size), 1);
}

} // namespace
} // namespace gantry::store
