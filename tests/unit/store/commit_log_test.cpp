#include "gantry/store/commit_log.hpp"
#include "gantry/store/store_error.hpp"

#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "gantry/store/page_warmer.hpp"

#include "store_test_support.hpp"

namespace gantry::store {
namespace {

using testing::body_of;
using testing::mappings_of;
using testing::small_config;
using testing::temp_dir;
using testing::test_message;

// Writes to one file made with a system call, seen through inotify's
// IN_MODIFY: stores through a mapping raise none. (Counting this thread's
// write calls would also count the sanitizers' own.)
class write_call_watch {
public:
    explicit write_call_watch(const std::filesystem::path& file) : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
        if (fd_ >= 0 && ::inotify_add_watch(fd_, file.c_str(), IN_MODIFY) < 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~write_call_watch() {
        if (fd_ >= 0) ::close(fd_);
    }
    write_call_watch(const write_call_watch&) = delete;
    write_call_watch& operator=(const write_call_watch&) = delete;

    bool watching() const noexcept { return fd_ >= 0; }

    // Writes seen since the last call; the kernel merges unread ones, so
    // call it after each write to count them.
    int take() {
        alignas(inotify_event) char events[4096];
        int n = 0;
        for (ssize_t got; (got = ::read(fd_, events, sizeof events)) > 0;) {
            for (const char* at = events; at < events + got;) {
                const auto* event = reinterpret_cast<const inotify_event*>(at);
                ++n;
                at += sizeof(inotify_event) + event->len;
            }
        }
        return n;
    }

private:
    int fd_;
};

class CommitLogTest : public ::testing::Test {
protected:
    temp_dir dir_;
    store_config config_ = small_config(dir_.path());
};

TEST_F(CommitLogTest, AppendsAssignPhysicalAndPerQueueOffsets) {
    commit_log log(config_);
    ASSERT_FALSE(log.load());
    const test_message a{"orders", 0, "first", ""};
    const test_message b{"orders", 1, "second", ""};
    auto ra = log.append(a.view());
    auto rb = log.append(b.view());
    auto rc = log.append(a.view());
    ASSERT_TRUE(ra && rb && rc);
    EXPECT_EQ(ra->physical_offset, 0);
    EXPECT_EQ(rb->physical_offset, ra->end_offset());
    EXPECT_EQ(ra->queue_offset, 0);
    EXPECT_EQ(rb->queue_offset, 0);
    EXPECT_EQ(rc->queue_offset, 1);
    EXPECT_EQ(log.max_offset(), rc->end_offset());
    EXPECT_EQ(log.next_queue_offset("orders", 0), 2);

    auto ref = log.read(rb->physical_offset, rb->size);
    ASSERT_TRUE(ref);
    EXPECT_EQ(body_of(ref->bytes), "second");
    EXPECT_FALSE(log.read(rc->end_offset(), 10)) << "nothing readable past the written end";
}

TEST_F(CommitLogTest, PreparedAndRollbackRecordsTakeNoQueueOffset) {
    commit_log log(config_);
    ASSERT_FALSE(log.load());
    test_message m{"tx", 0, "body", ""};
    auto half = m.view();
    half.sys_flag = sys_flag::transaction_prepared;
    auto r1 = log.append(half);
    auto r2 = log.append(m.view());
    ASSERT_TRUE(r1 && r2);
    EXPECT_EQ(r1->queue_offset, 0);
    EXPECT_EQ(r2->queue_offset, 0);
    EXPECT_EQ(log.next_queue_offset("tx", 0), 1);
}

TEST_F(CommitLogTest, RollsSegmentsWithABlankAndReadsAcrossThem) {
    commit_log log(config_);
    ASSERT_FALSE(log.load());
    std::vector<append_result> results;
    for (int i = 0; i < 100; ++i) {
        const test_message m{"roll", 0, std::string(1500, static_cast<char>('a' + i % 26)), ""};
        auto r = log.append(m.view());
        ASSERT_TRUE(r) << r.error().message();
        results.push_back(*r);
    }
    const auto files = log.files().files();
    ASSERT_GE(files.size(), 3u);
    for (std::size_t i = 0; i < files.size(); ++i) {
        EXPECT_EQ(files[i]->from_offset(), static_cast<std::int64_t>(i) * config_.commit_log_file_size);
        EXPECT_EQ(files[i]->path().filename().string(),
                  mapped_file::file_name(static_cast<std::int64_t>(i) * config_.commit_log_file_size));
    }
    EXPECT_EQ(files[0]->path().filename().string(), "00000000000000000000");
    for (const auto& r : results) {
        // No record spans a segment boundary.
        EXPECT_EQ(r.physical_offset / config_.commit_log_file_size,
                  (r.end_offset() - 1) / config_.commit_log_file_size);
    }
    // The first segment ends with a blank that covers the rest of it.
    const auto& first = files[0];
    std::int64_t position = 0;
    while (true) {
        const auto probe = probe_record(first->view(position, first->size() - position));
        ASSERT_NE(probe.kind, record_kind::invalid);
        if (probe.kind == record_kind::blank) {
            EXPECT_EQ(position + probe.size, first->size());
            break;
        }
        position += probe.size;
    }
    // read_next walks every record in order across segments.
    std::int64_t offset = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        auto ref = log.read_next(offset);
        ASSERT_TRUE(ref) << "record " << i;
        EXPECT_EQ(body_of(ref->bytes), std::string(1500, static_cast<char>('a' + i % 26)));
        EXPECT_EQ(ref->file->from_offset() + (ref->bytes.data() - ref->file->data()), results[i].physical_offset);
        offset = results[i].end_offset();
    }
    EXPECT_FALSE(log.read_next(offset));
}

TEST_F(CommitLogTest, BatchAppendGivesConsecutiveQueueOffsets) {
    commit_log log(config_);
    ASSERT_FALSE(log.load());
    std::vector<test_message> messages;
    for (int i = 0; i < 10; ++i) messages.push_back({"batch", 2, "m" + std::to_string(i), ""});
    std::vector<message_to_store> views;
    for (const auto& m : messages) views.push_back(m.view());
    std::vector<append_result> out(views.size());
    ASSERT_FALSE(log.append_batch(views, out));
    for (std::size_t i = 0; i < out.size(); ++i) {
        EXPECT_EQ(out[i].queue_offset, static_cast<std::int64_t>(i));
        if (i > 0) {
            EXPECT_EQ(out[i].physical_offset, out[i - 1].end_offset());
        }
    }
}

TEST_F(CommitLogTest, AppendsMakeNoMappingOfTheirOwn) {
    commit_log log(config_);
    ASSERT_FALSE(log.load());
    std::vector<test_message> messages;
    for (int i = 0; i < 3; ++i) messages.push_back({"plain", 0, std::string(3000, static_cast<char>('a' + i)), ""});
    std::vector<message_to_store> views;
    for (const auto& m : messages) views.push_back(m.view());
    std::vector<append_result> out(views.size());
    ASSERT_FALSE(log.append_batch(views, out));
    ASSERT_TRUE(log.append(messages[0].view()));

    const auto segment = log.files().files().front();
    EXPECT_EQ(mappings_of(segment->path()).size(), 1u) << "only the segment's own read mapping";
    for (std::size_t i = 0; i < out.size(); ++i) {
        auto ref = log.read(out[i].physical_offset, out[i].size);
        ASSERT_TRUE(ref);
        EXPECT_EQ(body_of(ref->bytes), messages[i].body);
    }
}

// Once the warmer has mapped the pages ahead, appends store through the
// segment's mapping; where it has not, each append is one pwrite.
TEST_F(CommitLogTest, AppendsIntoPagesTheWarmerMappedMakeNoWriteCall) {
    page_warmer warmer;
    warmer.start();
    config_.commit_log_warm_ahead_bytes = 8 * mapped_file::page_size;
    commit_log log(config_, &warmer);
    ASSERT_FALSE(log.load());
    const test_message first{"warmed", 0, "asks for the window", ""};
    ASSERT_TRUE(log.append(first.view()));
    const auto segment = log.files().files().front();
    for (int i = 0; i < 500 && segment->mapped_writable_end() < 8 * mapped_file::page_size; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_GE(segment->mapped_writable_end(), 8 * mapped_file::page_size);

    write_call_watch watch(segment->path());
    ASSERT_TRUE(watch.watching());
    std::vector<test_message> messages;
    for (int i = 0; i < 20; ++i) messages.push_back({"warmed", 0, std::string(100, static_cast<char>('a' + i)), ""});
    std::vector<append_result> out;
    for (const auto& m : messages) {
        auto r = log.append(m.view());
        ASSERT_TRUE(r);
        out.push_back(*r);
    }
    EXPECT_EQ(watch.take(), 0);
    for (std::size_t i = 0; i < out.size(); ++i) {
        auto ref = log.read(out[i].physical_offset, out[i].size);
        ASSERT_TRUE(ref);
        EXPECT_EQ(body_of(ref->bytes), messages[i].body);
    }
}

TEST_F(CommitLogTest, AppendsPastWhatTheWarmerMappedAreOnePwriteEach) {
    commit_log log(config_);
    ASSERT_FALSE(log.load());
    const test_message m{"cold", 0, std::string(100, 'c'), ""};
    ASSERT_TRUE(log.append(m.view()));
    write_call_watch watch(log.files().files().front()->path());
    ASSERT_TRUE(watch.watching());
    int writes = 0;
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(log.append(m.view()));
        writes += watch.take();
    }
    EXPECT_EQ(writes, 20);
}

// A batch is written in parts where a segment ends (64 KiB here) and where
// the gathered bytes reach their bound (1 MiB).
TEST_F(CommitLogTest, ABatchIsWrittenInPartsAtSegmentEndsAndAtTheBuffersBound) {
    for (const std::int64_t segment_size : {std::int64_t{64} * 1024, std::int64_t{4} * 1024 * 1024}) {
        temp_dir dir;
        auto config = small_config(dir.path());
        config.commit_log_file_size = segment_size;
        commit_log log(config);
        ASSERT_FALSE(log.load());
        std::vector<test_message> messages;
        for (int i = 0; i < 100; ++i) messages.push_back({"parts", 0, std::string(30000, static_cast<char>('a' + i % 26)), ""});
        std::vector<message_to_store> views;
        for (const auto& m : messages) views.push_back(m.view());
        std::vector<append_result> out(views.size());
        ASSERT_FALSE(log.append_batch(views, out));

        std::int64_t offset = 0;
        for (std::size_t i = 0; i < out.size(); ++i) {
            EXPECT_EQ(out[i].queue_offset, static_cast<std::int64_t>(i));
            auto ref = log.read_next(offset);
            ASSERT_TRUE(ref) << "record " << i << " of segments of " << segment_size;
            EXPECT_EQ(ref->file->from_offset() + (ref->bytes.data() - ref->file->data()), out[i].physical_offset);
            EXPECT_EQ(body_of(ref->bytes), messages[i].body);
            offset = out[i].end_offset();
        }
        EXPECT_EQ(log.max_offset(), out.back().end_offset());
    }
}

// The write is made to fail by putting a read-only descriptor where the
// segment's is: pwrite then answers EBADF, as it would EIO from a bad disk.
TEST_F(CommitLogTest, AFailedWriteGivesBackItsQueueOffsetsAndPublishesNothing) {
    commit_log log(config_);
    ASSERT_FALSE(log.load());
    const test_message m{"fails", 0, "body", ""};
    auto first = log.append(m.view());
    ASSERT_TRUE(first);
    const int fd = log.files().files().front()->descriptor();
    const int saved = ::dup(fd);
    const int read_only = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(saved, 0);
    ASSERT_GE(read_only, 0);
    ASSERT_EQ(::dup2(read_only, fd), fd);

    const std::vector<message_to_store> views(3, m.view());
    std::vector<append_result> out(views.size());
    EXPECT_TRUE(log.append_batch(views, out));
    EXPECT_FALSE(log.append(m.view()));
    EXPECT_EQ(log.max_offset(), first->end_offset());
    EXPECT_EQ(log.next_queue_offset("fails", 0), 1);

    ASSERT_EQ(::dup2(saved, fd), fd);
    ::close(saved);
    ::close(read_only);
    auto second = log.append(m.view());
    ASSERT_TRUE(second);
    EXPECT_EQ(second->physical_offset, first->end_offset());
    EXPECT_EQ(second->queue_offset, 1);
    auto ref = log.read(second->physical_offset, second->size);
    ASSERT_TRUE(ref);
    EXPECT_EQ(body_of(ref->bytes), "body");
}

TEST_F(CommitLogTest, RefusesWhatAV1RecordCannotHold) {
    commit_log log(config_);
    ASSERT_FALSE(log.load());
    EXPECT_EQ(log.append(test_message{std::string(128, 't'), 0, "x", ""}.view()).error(),
              make_error_code(store_errc::topic_too_long));
    EXPECT_EQ(log.append(test_message{"", 0, "x", ""}.view()).error(), make_error_code(store_errc::topic_too_long));
    EXPECT_EQ(log.append(test_message{"t", 0, std::string(40 * 1024, 'x'), ""}.view()).error(),
              make_error_code(store_errc::message_too_large));
    EXPECT_EQ(log.append(test_message{"t", 0, "x", std::string(40000, 'p')}.view()).error(),
              make_error_code(store_errc::properties_too_long));
    EXPECT_EQ(log.append(test_message{"t", 0, "x", std::string("A\x01\0", 3)}.view()).error(),
              make_error_code(store_errc::nul_in_text));
    EXPECT_TRUE(log.append(test_message{std::string(127, 't'), 0, "x", ""}.view()));
}

} // namespace
} // namespace gantry::store
