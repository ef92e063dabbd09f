#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <thread>

#include "gantry/store/message_properties.hpp"
#include "gantry/store/message_store.hpp"
#include "gantry/store/store_checkpoint.hpp"
#include "store_test_support.hpp"

namespace gantry::store {
namespace {

using testing::body_of;
using testing::small_config;
using testing::temp_dir;
using testing::wait_dispatched;
using testing::test_message;

namespace fs = std::filesystem;

std::string keyed(int i) {
    std::string p;
    append_property(p, property::keys, "key-" + std::to_string(i));
    return p;
}

// Appends `n` messages "m0".."m<n-1>" to topic t queue 0 and returns where
// each one lies.
std::vector<append_result> fill(message_store& store, int n) {
    std::vector<append_result> out;
    for (int i = 0; i < n; ++i) {
        auto r = store.put(test_message{"t", 0, "m" + std::to_string(i), keyed(i)}.view());
        if (!r) {
            ADD_FAILURE() << "append " << i << ": " << r.error().message();
            break;
        }
        out.push_back(*r);
    }
    EXPECT_TRUE(wait_dispatched(store));
    return out;
}

// Every message of t/0 in order, as bodies.
std::vector<std::string> bodies(const message_store& store) {
    std::vector<std::string> out;
    std::int64_t offset = store.min_offset("t", 0);
    for (;;) {
        auto r = store.get_messages({.topic = "t", .queue_id = 0, .offset = offset, .max_messages = 64});
        if (r.status != get_status::found) break;
        for (const auto& m : r.messages) out.push_back(body_of(m.bytes));
        offset = r.next_begin_offset;
    }
    return out;
}

std::vector<std::string> expected(int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back("m" + std::to_string(i));
    return out;
}

fs::path segment(const store_config& c, std::int64_t offset) { return c.commit_log_dir() / mapped_file::file_name(offset); }

// Simulates a crash of a running store: a copy of its files as a kill -9
// would leave them (the page cache survives; the abort marker stays). It is
// taken once the store makes no more files, all dispatched and indexed (a
// query by key waits for the index builder): a copy taken while a queue or
// index file is being made can list it under its unfinished name, find it
// renamed when it comes to copy it, and fail.
void copy_running_store(const message_store& store, const fs::path& to) {
    ASSERT_TRUE(wait_dispatched(store));
    store.query_by_key("t", "", 1, 0, INT64_MAX);
    fs::copy(store.config().root_dir, to, fs::copy_options::recursive);
    fs::remove(to / "lock");
}

void flip_byte(const fs::path& file, std::int64_t position) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(position);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x5A);
    f.seekp(position);
    f.write(&c, 1);
}

void mark_crashed(const store_config& c) { std::ofstream(c.abort_path()).flush(); }

// The checkpoint as last written to its file.
checkpoint_state saved_checkpoint(const store_config& c) {
    store_checkpoint cp(c.checkpoint_path());
    EXPECT_FALSE(cp.open());
    return cp.state();
}

class RecoveryTest : public ::testing::Test {
protected:
    temp_dir dir_;
    store_config config_ = small_config(dir_.path());
};

TEST_F(RecoveryTest, CleanRestartKeepsEverythingAndContinuesOffsets) {
    {
        message_store store(config_);
        ASSERT_FALSE(store.start());
        fill(store, 50);
    }
    // Both directories exist after a start, so the next start does not take
    // them for deleted and replay the whole log.
    EXPECT_TRUE(fs::is_directory(config_.consume_queue_dir()));
    EXPECT_TRUE(fs::is_directory(config_.index_dir()));
    message_store store(config_);
    ASSERT_FALSE(store.start());
    EXPECT_EQ(bodies(store), expected(50));
    auto r = store.put(test_message{"t", 0, "m50", ""}.view());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->queue_offset, 50);
    ASSERT_TRUE(wait_dispatched(store));
    EXPECT_EQ(bodies(store), expected(51));
    EXPECT_EQ(store.query_by_key("t", "key-7", 4, 0, INT64_MAX).size(), 1u);
}

TEST_F(RecoveryTest, CrashCopyOfARunningStoreRecovers) {
    temp_dir crashed;
    {
        message_store store(config_);
        ASSERT_FALSE(store.start());
        fill(store, 1500); // several segments, queue files and index files
        copy_running_store(store, crashed.path() / "data");
    }
    auto c = small_config(crashed.path() / "data");
    ASSERT_TRUE(fs::exists(c.abort_path()));
    message_store store(c);
    ASSERT_FALSE(store.start());
    EXPECT_EQ(bodies(store), expected(1500));
    auto r = store.put(test_message{"t", 0, "m1500", ""}.view());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->queue_offset, 1500);
}

// A torn last record, cut at every byte: the record is gone, everything
// before it stays, and the log takes appends again at the same place.
// A kill -9 while a commit-log segment or an index file was being made
// leaves its unfinished file (short: the space not yet reserved), never a
// short file under the real name; the next start removes it.
TEST_F(RecoveryTest, FilesWhoseMakingACrashInterruptedAreRemovedAtStart) {
    {
        message_store store(config_);
        ASSERT_FALSE(store.start());
        fill(store, 10);
    }
    mark_crashed(config_);
    const auto segment_left = fs::path(segment(config_, config_.commit_log_file_size)) += ".creating";
    const auto index_left = config_.index_dir() / "20991231235959999.creating";
    std::ofstream(segment_left).put('x');
    std::ofstream(index_left).flush();
    message_store store(config_);
    ASSERT_FALSE(store.start());
    EXPECT_FALSE(fs::exists(segment_left));
    EXPECT_FALSE(fs::exists(index_left));
    EXPECT_EQ(bodies(store), expected(10));
}

TEST_F(RecoveryTest, TornLastRecordIsCutAtEveryByte) {
    temp_dir pristine;
    std::vector<append_result> written;
    {
        message_store store(small_config(pristine.path() / "data"));
        ASSERT_FALSE(store.start());
        written = fill(store, 5);
    }
    const auto last = written.back();
    const auto file = mapped_file::file_name(last.physical_offset / config_.commit_log_file_size *
                                             config_.commit_log_file_size);
    for (std::int32_t cut = 0; cut < last.size; ++cut) {
        SCOPED_TRACE("cut at byte " + std::to_string(cut));
        temp_dir work;
        fs::copy(pristine.path() / "data", work.path() / "data", fs::copy_options::recursive);
        auto c = small_config(work.path() / "data");
        ASSERT_EQ(::truncate((c.commit_log_dir() / file).c_str(), last.physical_offset + cut), 0);
        mark_crashed(c);
        message_store store(c);
        ASSERT_FALSE(store.start());
        ASSERT_EQ(bodies(store), expected(4));
        EXPECT_EQ(store.commit_log_max_offset(), last.physical_offset);
        auto again = store.put(test_message{"t", 0, "m4", ""}.view());
        ASSERT_TRUE(again);
        EXPECT_EQ(again->physical_offset, last.physical_offset);
        EXPECT_EQ(again->queue_offset, 4);
        ASSERT_TRUE(wait_dispatched(store));
        EXPECT_EQ(bodies(store), expected(5));
    }
}

TEST_F(RecoveryTest, FlippedBodyByteDropsOnlyThatRecord) {
    std::vector<append_result> written;
    {
        message_store store(config_);
        ASSERT_FALSE(store.start());
        written = fill(store, 10);
    }
    // Body of record 4 starts 88 bytes in (IPv4 hosts).
    flip_byte(segment(config_, 0), written[4].physical_offset + 88);
    mark_crashed(config_);
    // The checkpoint says all was dispatched: force a full check.
    fs::remove(config_.checkpoint_path());
    message_store store(config_);
    ASSERT_FALSE(store.start());
    auto got = bodies(store);
    auto want = expected(10);
    want.erase(want.begin() + 4);
    EXPECT_EQ(got, want);
}

TEST_F(RecoveryTest, CorruptRecordAtRestIsNeverServedEvenWhenAlreadyQueued) {
    config_.flush_type = flush_disk_type::sync_flush;
    message_store store(config_);
    ASSERT_FALSE(store.start());
    const auto written = fill(store, 3);
    std::promise<std::error_code> flushed;
    store.when_durable(written.back().end_offset(), [&](std::error_code ec) { flushed.set_value(ec); });
    ASSERT_FALSE(flushed.get_future().get());
    // Bit rot after the record was flushed and queued: the read path checks the CRC.
    flip_byte(segment(config_, 0), written[1].physical_offset + 88);
    EXPECT_EQ(bodies(store), (std::vector<std::string>{"m0", "m2"}));
}

TEST_F(RecoveryTest, FlippedByteInTheLastRecordCutsIt) {
    std::vector<append_result> written;
    {
        message_store store(config_);
        ASSERT_FALSE(store.start());
        written = fill(store, 6);
    }
    flip_byte(segment(config_, 0), written.back().physical_offset + 88);
    mark_crashed(config_);
    fs::remove(config_.checkpoint_path());
    message_store store(config_);
    ASSERT_FALSE(store.start());
    EXPECT_EQ(bodies(store), expected(5));
    EXPECT_EQ(store.commit_log_max_offset(), written.back().physical_offset);
}

TEST_F(RecoveryTest, DeletedQueuesAndIndexAreRebuiltFromTheLog) {
    {
        message_store store(config_);
        ASSERT_FALSE(store.start());
        fill(store, 400);
        for (int q = 1; q < 4; ++q) ASSERT_TRUE(store.put(test_message{"t", q, "other", ""}.view()));
    }
    fs::remove_all(config_.consume_queue_dir());
    fs::remove_all(config_.index_dir());
    message_store store(config_);
    ASSERT_FALSE(store.start());
    EXPECT_EQ(bodies(store), expected(400));
    for (int q = 1; q < 4; ++q) EXPECT_EQ(store.max_offset("t", q), 1);
    EXPECT_EQ(store.query_by_key("t", "key-399", 4, 0, INT64_MAX).size(), 1u);
    auto r = store.put(test_message{"t", 0, "m400", ""}.view());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->queue_offset, 400);
}

// The index is flushed far less often than the queues, so a crash may leave
// it as its last flush did while the queues reach further. Recovery indexes
// the records past the index's own offset again, and gives the queues none
// of them twice.
TEST_F(RecoveryTest, AnIndexBehindTheQueuesCatchesUpFromTheLog) {
    temp_dir crashed;
    const auto index_at_last_flush = crashed.path() / "index";
    {
        message_store store(config_);
        ASSERT_FALSE(store.start());
        fill(store, 100);
    } // a clean stop flushes the index
    fs::copy(config_.index_dir(), index_at_last_flush, fs::copy_options::recursive);
    {
        message_store store(config_); // the index flush (10 s) does not come round in this test
        ASSERT_FALSE(store.start());
        for (int i = 100; i < 200; ++i)
            ASSERT_TRUE(store.put(test_message{"t", 0, "m" + std::to_string(i), keyed(i)}.view()));
        ASSERT_TRUE(wait_dispatched(store));
        const std::int64_t end = store.commit_log_max_offset();
        for (int i = 0; i < 5000 && saved_checkpoint(config_).dispatched_offset < end; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const auto saved = saved_checkpoint(config_);
        ASSERT_EQ(saved.dispatched_offset, end) << "the queues' flush (50 ms) did not come";
        ASSERT_LT(saved.indexed_offset, end) << "the index was flushed after all";
        copy_running_store(store, crashed.path() / "data");
    }
    auto c = small_config(crashed.path() / "data");
    // What the index wrote after its last flush never reached the disk.
    fs::remove_all(c.index_dir());
    fs::copy(index_at_last_flush, c.index_dir(), fs::copy_options::recursive);
    message_store store(c);
    ASSERT_FALSE(store.start());
    EXPECT_EQ(bodies(store), expected(200));
    EXPECT_EQ(store.query_by_key("t", "key-150", 4, 0, INT64_MAX).size(), 1u);
    EXPECT_EQ(store.query_by_key("t", "key-50", 4, 0, INT64_MAX).size(), 1u);
}

TEST_F(RecoveryTest, QueueEntriesPastTheRecoveredLogAreDropped) {
    std::vector<append_result> written;
    temp_dir crashed;
    {
        message_store store(config_);
        ASSERT_FALSE(store.start());
        written = fill(store, 8);
        copy_running_store(store, crashed.path() / "data");
    }
    auto c = small_config(crashed.path() / "data");
    // The log loses its last three records; the queue still points at them.
    ASSERT_EQ(::truncate(segment(c, 0).c_str(), written[5].physical_offset), 0);
    message_store store(c);
    ASSERT_FALSE(store.start());
    EXPECT_EQ(store.max_offset("t", 0), 5);
    EXPECT_EQ(bodies(store), expected(5));
    auto r = store.put(test_message{"t", 0, "m5", ""}.view());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->queue_offset, 5);
}

TEST_F(RecoveryTest, ForeignFileInTheLogIsReportedNotIgnored) {
    {
        message_store store(config_);
        ASSERT_FALSE(store.start());
        fill(store, 1000);
        ASSERT_GT(store.commit_log_max_offset(), config_.commit_log_file_size);
    }
    // A middle segment of the wrong size is corruption the store did not cause.
    ASSERT_EQ(::truncate(segment(config_, 0).c_str(), 100), 0);
    message_store store(config_);
    EXPECT_TRUE(store.start());
}

} // namespace
} // namespace gantry::store
