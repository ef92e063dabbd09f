#include "gantry/store/message_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "gantry/store/java_hash.hpp"
#include "gantry/store/message_properties.hpp"
#include "gantry/store/store_error.hpp"
#include "store_test_support.hpp"

namespace gantry::store {
namespace {

using testing::body_of;
using testing::small_config;
using testing::temp_dir;
using testing::wait_dispatched;
using testing::test_message;

std::string tagged(std::string_view tag, std::string_view keys = {}, std::string_view uniq = {}) {
    std::string p;
    append_property(p, property::tags, tag);
    if (!keys.empty()) append_property(p, property::keys, keys);
    if (!uniq.empty()) append_property(p, property::unique_key, uniq);
    return p;
}

class tag_filter final : public message_filter {
public:
    explicit tag_filter(std::string_view tag) : code_(java_string_hash(tag)) {}
    bool matches_tag_code(std::int64_t code) const override { return code == code_; }

private:
    std::int64_t code_;
};

class MessageStoreTest : public ::testing::Test {
protected:
    temp_dir dir_;
    store_config config_ = small_config(dir_.path());
};

TEST_F(MessageStoreTest, PutThenGetReturnsViewsOfTheStoredRecords) {
    message_store store(config_);
    ASSERT_FALSE(store.start());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(store.put(test_message{"t", 1, "m" + std::to_string(i), ""}.view()));
    ASSERT_TRUE(wait_dispatched(store));

    auto r = store.get_messages({.topic = "t", .queue_id = 1, .offset = 1, .max_messages = 3});
    EXPECT_EQ(r.status, get_status::found);
    ASSERT_EQ(r.messages.size(), 3u);
    EXPECT_EQ(body_of(r.messages[0].bytes), "m1");
    EXPECT_EQ(body_of(r.messages[2].bytes), "m3");
    EXPECT_EQ(r.next_begin_offset, 4);
    EXPECT_EQ(r.min_offset, 0);
    EXPECT_EQ(r.max_offset, 5);
    // A view points into the mapped segment itself: nothing was copied.
    const auto segment = r.messages[0].file;
    EXPECT_GE(r.messages[0].bytes.data(), segment->data());
    EXPECT_LT(r.messages[0].bytes.data(), segment->data() + segment->size());
}

TEST_F(MessageStoreTest, GetReportsEveryOffsetSituation) {
    message_store store(config_);
    ASSERT_FALSE(store.start());
    EXPECT_EQ(store.get_messages({.topic = "none"}).status, get_status::no_matched_logic_queue);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(store.put(test_message{"t", 0, "x", ""}.view()));
    ASSERT_TRUE(wait_dispatched(store));
    EXPECT_EQ(store.get_messages({.topic = "t", .offset = 3}).status, get_status::offset_overflow_one);
    auto badly = store.get_messages({.topic = "t", .offset = 9});
    EXPECT_EQ(badly.status, get_status::offset_overflow_badly);
    EXPECT_EQ(badly.next_begin_offset, 3);
}

TEST_F(MessageStoreTest, MaxBytesAndTagFilterBoundAReadWithoutCopying) {
    message_store store(config_);
    ASSERT_FALSE(store.start());
    for (int i = 0; i < 20; ++i) {
        const auto tag = i % 2 == 0 ? "even" : "odd";
        ASSERT_TRUE(store.put(test_message{"t", 0, std::string(100, 'b'), tagged(tag)}.view()));
    }
    ASSERT_TRUE(wait_dispatched(store));
    const tag_filter odd("odd");
    auto r = store.get_messages({.topic = "t", .offset = 0, .max_messages = 32, .filter = &odd});
    EXPECT_EQ(r.messages.size(), 10u);
    EXPECT_EQ(r.next_begin_offset, 20);
    const tag_filter none("none");
    auto empty = store.get_messages({.topic = "t", .offset = 0, .filter = &none});
    EXPECT_EQ(empty.status, get_status::no_matched_message);
    EXPECT_EQ(empty.next_begin_offset, 20);

    auto all = store.get_messages({.topic = "t", .offset = 0, .max_messages = 3});
    ASSERT_EQ(all.messages.size(), 3u);
    auto limited = store.get_messages({.topic = "t", .offset = 0, .max_bytes = all.total_bytes});
    EXPECT_EQ(limited.messages.size(), 3u);
    EXPECT_EQ(limited.next_begin_offset, 3);
}

TEST_F(MessageStoreTest, ReadsOneQueueOffsetsRecordDecodedOrNothing) {
    message_store store(config_);
    ASSERT_FALSE(store.start());
    for (int i = 0; i < 4; ++i) {
        const auto tag = i % 2 == 0 ? "even" : "odd";
        ASSERT_TRUE(store.put(test_message{"t", 0, "m" + std::to_string(i), tagged(tag)}.view()));
    }
    ASSERT_TRUE(wait_dispatched(store));
    const auto second = store.read_queue_record("t", 0, 1, nullptr);
    ASSERT_TRUE(second);
    EXPECT_EQ(as_chars(second->record.body), "m1");
    EXPECT_EQ(second->record.queue_offset, 1);
    EXPECT_EQ(body_of(second->ref.bytes), "m1");
    const tag_filter odd("odd");
    EXPECT_TRUE(store.read_queue_record("t", 0, 3, &odd));
    EXPECT_FALSE(store.read_queue_record("t", 0, 2, &odd)) << "the filter's, not the next one it takes";
    EXPECT_FALSE(store.read_queue_record("t", 0, 4, nullptr)) << "past the end";
    EXPECT_FALSE(store.read_queue_record("t", 1, 0, nullptr)) << "no such queue";
}

// Stores three messages with keys in two topics and checks the look-ups by
// key (with the index or, config.message_index_enable false, without it).
void expect_found_by_key(const store_config& config) {
    message_store store(config);
    ASSERT_FALSE(store.start());
    ASSERT_TRUE(store.put(test_message{"orders", 0, "a", tagged("t", "order-1 customer-9", "UNIQ-A")}.view()));
    ASSERT_TRUE(store.put(test_message{"orders", 1, "b", tagged("t", "order-2", "UNIQ-B")}.view()));
    ASSERT_TRUE(store.put(test_message{"other", 0, "c", tagged("t", "order-1", "UNIQ-C")}.view()));
    ASSERT_TRUE(wait_dispatched(store));
    auto by_key = store.query_by_key("orders", "customer-9", 10, 0, INT64_MAX);
    ASSERT_EQ(by_key.size(), 1u);
    EXPECT_EQ(body_of(by_key[0].bytes), "a");
    auto by_uniq = store.query_by_key("orders", "UNIQ-B", 10, 0, INT64_MAX);
    ASSERT_EQ(by_uniq.size(), 1u);
    EXPECT_EQ(body_of(by_uniq[0].bytes), "b");
    auto in_topic = store.query_by_key("orders", "order-1", 10, 0, INT64_MAX);
    ASSERT_EQ(in_topic.size(), 1u) << "the same key in another topic is not returned";
    EXPECT_TRUE(store.query_by_key("orders", "missing", 10, 0, INT64_MAX).empty());
    using namespace std::chrono;
    const auto later = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() + 60'000;
    EXPECT_TRUE(store.query_by_key("orders", "UNIQ-A", 10, later, INT64_MAX).empty()) << "stored before the range";
    EXPECT_TRUE(store.query_by_key("orders", "UNIQ-A", 10, 0, 1).empty()) << "stored after the range";
}

TEST_F(MessageStoreTest, FindsMessagesByKeyAndUniqueKey) { expect_found_by_key(config_); }

TEST_F(MessageStoreTest, WithoutTheIndexFindsMessagesByKeyByReadingTheirTopicOverTheTimeRange) {
    config_.message_index_enable = false;
    expect_found_by_key(config_);
}

TEST_F(MessageStoreTest, ListenerHearsOfEachRecordAsSoonAsItIsReadable) {
    message_store store(config_);
    std::mutex m;
    std::condition_variable cv;
    std::int64_t seen = 0;
    store.set_arrival_listener([&](std::string_view topic, std::int32_t queue_id, std::int64_t max) {
        if (topic != "wake" || queue_id != 3) return;
        std::lock_guard lock(m);
        seen = max;
        cv.notify_all();
    });
    ASSERT_FALSE(store.start());
    for (int i = 1; i <= 3; ++i) {
        ASSERT_TRUE(store.put(test_message{"wake", 3, "x", ""}.view()));
        std::unique_lock lock(m);
        ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return seen == i; }));
        EXPECT_EQ(store.get_messages({.topic = "wake", .queue_id = 3, .offset = i - 1}).status, get_status::found);
    }
}

TEST_F(MessageStoreTest, SyncFlushCompletesEveryAppendOnceDurable) {
    config_.flush_type = flush_disk_type::sync_flush;
    message_store store(config_);
    ASSERT_FALSE(store.start());
    constexpr int threads = 8;
    constexpr int per_thread = 200;
    std::atomic<int> ok{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> appenders;
    for (int t = 0; t < threads; ++t) {
        appenders.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                auto r = store.put(test_message{"sync", t, "payload", ""}.view());
                ASSERT_TRUE(r);
                std::mutex m;
                std::condition_variable cv;
                bool done = false;
                store.when_durable(r->end_offset(), [&](std::error_code ec) {
                    (ec ? failed : ok)++;
                    std::lock_guard lock(m);
                    done = true;
                    cv.notify_one();
                });
                std::unique_lock lock(m);
                cv.wait(lock, [&] { return done; });
            }
        });
    }
    for (auto& a : appenders) a.join();
    EXPECT_EQ(ok.load(), threads * per_thread);
    EXPECT_EQ(failed.load(), 0);
}

TEST_F(MessageStoreTest, SecondStoreOnTheSameDirectoryIsRefused) {
    message_store first(config_);
    ASSERT_FALSE(first.start());
    message_store second(config_);
    EXPECT_EQ(second.start(), make_error_code(store_errc::locked));
}

TEST_F(MessageStoreTest, RefusesAppendsOnceShutDown) {
    message_store store(config_);
    ASSERT_FALSE(store.start());
    store.shutdown();
    EXPECT_EQ(store.put(test_message{"t", 0, "x", ""}.view()).error(), make_error_code(store_errc::not_writable));
    EXPECT_FALSE(std::filesystem::exists(config_.abort_path())) << "a clean stop removes the abort marker";
}


TEST(MessageStoreTime, FindsOffsetsByStoreTime) {
    testing::temp_dir dir;
    message_store store(testing::small_config(dir.path()));
    ASSERT_FALSE(store.start());
    std::vector<std::int64_t> times;
    for (int i = 0; i < 6; ++i) {
        auto r = store.put(testing::test_message{"t", 0, "x", ""}.view());
        ASSERT_TRUE(r);
        times.push_back(r->store_timestamp);
        std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
    ASSERT_TRUE(testing::wait_dispatched(store));
    EXPECT_EQ(store.earliest_store_time("t", 0), times[0]);
    EXPECT_EQ(store.offset_for_timestamp("t", 0, 0), 0);
    EXPECT_EQ(store.offset_for_timestamp("t", 0, times[3]), 3);
    EXPECT_EQ(store.offset_for_timestamp("t", 0, times[3] - 1), 3);
    EXPECT_EQ(store.offset_for_timestamp("t", 0, times[5] + 1), 6);
    EXPECT_EQ(store.offset_for_timestamp("none", 0, 5), 0);
}

TEST(MessageStorePosition, FindsOffsetsByLogPosition) {
    testing::temp_dir dir;
    message_store store(testing::small_config(dir.path()));
    ASSERT_FALSE(store.start());
    std::vector<std::int64_t> positions; // of topic t's records, with another topic's between them
    for (int i = 0; i < 6; ++i) {
        auto r = store.put(testing::test_message{"t", 0, "x", ""}.view());
        ASSERT_TRUE(r);
        positions.push_back(r->physical_offset);
        ASSERT_TRUE(store.put(testing::test_message{"other", 0, "y", ""}.view()));
    }
    ASSERT_TRUE(testing::wait_dispatched(store));
    EXPECT_EQ(store.offset_for_log_position("t", 0, 0), 0);
    EXPECT_EQ(store.offset_for_log_position("t", 0, positions[3]), 3);
    EXPECT_EQ(store.offset_for_log_position("t", 0, positions[3] - 1), 3);
    EXPECT_EQ(store.offset_for_log_position("t", 0, positions[3] + 1), 4);
    EXPECT_EQ(store.offset_for_log_position("t", 0, store.commit_log_max_offset()), 6);
    EXPECT_EQ(store.offset_for_log_position("none", 0, 5), 0);
}

TEST_F(MessageStoreTest, ARemovedTopicsQueuesGoAndStartAgainAtZeroAlsoAfterARestart) {
    {
        message_store store(config_);
        ASSERT_FALSE(store.start());
        for (int i = 0; i < 4; ++i) {
            ASSERT_TRUE(store.put(test_message{"gone", i % 2, "old" + std::to_string(i), ""}.view()));
            ASSERT_TRUE(store.put(test_message{"kept", 0, "k" + std::to_string(i), ""}.view()));
        }
        ASSERT_TRUE(wait_dispatched(store));
        ASSERT_EQ(store.max_offset("gone", 0), 2);

        ASSERT_FALSE(store.remove_topic("gone"));
        EXPECT_EQ(store.get_messages({.topic = "gone", .queue_id = 0}).status, get_status::no_matched_logic_queue);
        EXPECT_EQ(store.get_messages({.topic = "gone", .queue_id = 1}).status, get_status::no_matched_logic_queue);
        EXPECT_EQ(store.max_offset("gone", 0), 0);
        EXPECT_FALSE(std::filesystem::exists(config_.consume_queue_dir() / "gone"));
        EXPECT_EQ(store.get_messages({.topic = "kept", .max_messages = 10}).messages.size(), 4u);

        // Made again, the topic's queues start over, in new files.
        const auto again = store.put(test_message{"gone", 0, "new", ""}.view());
        ASSERT_TRUE(again);
        EXPECT_EQ(again->queue_offset, 0);
        ASSERT_TRUE(wait_dispatched(store));
        const auto got = store.get_messages({.topic = "gone", .queue_id = 0, .max_messages = 10});
        ASSERT_EQ(got.messages.size(), 1u);
        EXPECT_EQ(body_of(got.messages[0].bytes), "new");
        store.shutdown();
    }
    // Recovery does not bring the old records back into the queue.
    message_store store(config_);
    ASSERT_FALSE(store.start());
    const auto got = store.get_messages({.topic = "gone", .queue_id = 0, .max_messages = 10});
    ASSERT_EQ(got.messages.size(), 1u);
    EXPECT_EQ(body_of(got.messages[0].bytes), "new");
    EXPECT_EQ(store.max_offset("gone", 1), 0);
    EXPECT_EQ(store.max_offset("kept", 0), 4);
    const auto next = store.put(test_message{"gone", 0, "next", ""}.view());
    ASSERT_TRUE(next);
    EXPECT_EQ(next->queue_offset, 1);
}

TEST_F(MessageStoreTest, RemovingATopicOfAStoreNotStartedNeedsNoDispatcher) {
    message_store store(config_);
    EXPECT_FALSE(store.remove_topic("never"));
}

} // namespace
} // namespace gantry::store
