// Who dispatches a record: the thread that appended it, one thread at a
// time, and the dispatcher's own thread once an appender has done so for
// others long enough.
#include <gtest/gtest.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gantry/store/message_store.hpp"
#include "store_test_support.hpp"

namespace gantry::store {
namespace {

using testing::small_config;
using testing::temp_dir;
using testing::test_message;
using testing::wait_dispatched;

std::string thread_name() {
    char name[16] = {};
    ::pthread_getname_np(::pthread_self(), name, sizeof name);
    return name;
}

class DispatchTest : public ::testing::Test {
protected:
    temp_dir dir_;
    store_config config_ = small_config(dir_.path());
};

TEST_F(DispatchTest, ARecordIsInItsQueueWhenItsLoneAppendersPutReturns) {
    message_store store(config_);
    std::thread::id heard_on;
    store.set_arrival_listener([&](std::string_view, std::int32_t, std::int64_t) {
        heard_on = std::this_thread::get_id();
    });
    ASSERT_FALSE(store.start());
    for (int i = 0; i < 50; ++i) {
        ASSERT_TRUE(store.put(test_message{"lone", 0, "x", ""}.view()));
        EXPECT_EQ(store.get_messages({.topic = "lone", .queue_id = 0, .offset = i}).status, get_status::found);
        EXPECT_EQ(store.dispatched_offset(), store.commit_log_max_offset());
        EXPECT_EQ(heard_on, std::this_thread::get_id());
    }
}

TEST_F(DispatchTest, ABatchIsToldOncePerQueueRunWithItsEnd) {
    message_store store(config_);
    std::vector<std::pair<std::int32_t, std::int64_t>> heard;
    store.set_arrival_listener([&](std::string_view, std::int32_t queue_id, std::int64_t max_offset) {
        heard.emplace_back(queue_id, max_offset);
    });
    ASSERT_FALSE(store.start());
    std::vector<test_message> batch;
    for (int i = 0; i < 4; ++i) batch.push_back({"batched", 0, "x", ""});
    batch.push_back({"batched", 1, "y", ""});
    batch.push_back({"batched", 0, "z", ""});
    std::vector<message_to_store> views;
    for (const auto& m : batch) views.push_back(m.view());
    std::vector<append_result> out(views.size());
    ASSERT_FALSE(store.put_batch(views, out));
    ASSERT_TRUE(wait_dispatched(store));
    store.shutdown();
    EXPECT_EQ(heard, (std::vector<std::pair<std::int32_t, std::int64_t>>{{0, 4}, {1, 1}, {0, 5}}));
}

TEST_F(DispatchTest, AppendsOfManyThreadsAreEachDispatchedOnceInQueueOrderByOneThreadAtATime) {
    constexpr int threads = 4;
    constexpr int per_thread = 2000;
    message_store store(config_);
    std::atomic<int> inside{0};
    std::atomic<bool> overlapped{false};
    std::map<std::int32_t, std::vector<std::int64_t>> heard; // only one dispatching thread touches it
    store.set_arrival_listener([&](std::string_view topic, std::int32_t queue_id, std::int64_t max_offset) {
        if (inside.fetch_add(1) != 0) overlapped = true;
        if (topic == "many") heard[queue_id].push_back(max_offset);
        inside.fetch_sub(1);
    });
    ASSERT_FALSE(store.start());
    std::vector<std::thread> appenders;
    for (int t = 0; t < threads; ++t)
        appenders.emplace_back([&store, t] {
            // Two threads per queue, so queue offsets interleave too.
            for (int i = 0; i < per_thread; ++i) ASSERT_TRUE(store.put(test_message{"many", t % 2, "x", ""}.view()));
        });
    for (auto& a : appenders) a.join();
    ASSERT_TRUE(wait_dispatched(store));
    store.shutdown();

    EXPECT_FALSE(overlapped) << "two threads ran the listener at once";
    ASSERT_EQ(heard.size(), 2u);
    for (const auto& [queue, offsets] : heard) {
        // A run of one queue's records is told once, with its end.
        ASSERT_FALSE(offsets.empty()) << "queue " << queue;
        for (std::size_t i = 1; i < offsets.size(); ++i)
            ASSERT_GT(offsets[i], offsets[i - 1]) << "queue " << queue;
        EXPECT_EQ(offsets.back(), 2 * per_thread) << "queue " << queue;
    }
}

// The listener holds each record until the other thread has appended the
// next, so every round of the first appender finds one more record to do.
TEST_F(DispatchTest, AnAppenderThatKeepsDispatchingForOthersHandsTheRestToTheDispatcherThread) {
    constexpr int records = 20;
    message_store store(config_);
    std::mutex m;
    std::condition_variable changed;
    int appended = 0;
    int dispatched = 0;
    std::vector<std::string> heard_on;
    store.set_arrival_listener([&](std::string_view, std::int32_t, std::int64_t max_offset) {
        std::unique_lock lock(m);
        heard_on.push_back(thread_name());
        dispatched = static_cast<int>(max_offset);
        changed.notify_all();
        changed.wait_for(lock, std::chrono::seconds(5), [&] { return appended > dispatched || appended == records; });
    });
    ASSERT_FALSE(store.start());
    ::pthread_setname_np(::pthread_self(), "first-appender");
    std::thread other([&] {
        for (int i = 2; i <= records; ++i) {
            std::unique_lock lock(m);
            ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(5), [&] { return dispatched == i - 1; }));
            lock.unlock();
            ASSERT_TRUE(store.put(test_message{"handed", 0, "x", ""}.view()));
            lock.lock();
            appended = i;
            changed.notify_all();
        }
    });
    {
        std::lock_guard lock(m);
        appended = 1;
    }
    ASSERT_TRUE(store.put(test_message{"handed", 0, "x", ""}.view()));
    other.join();
    ASSERT_TRUE(wait_dispatched(store));
    store.shutdown();

    ASSERT_EQ(heard_on.size(), static_cast<std::size_t>(records));
    EXPECT_EQ(heard_on.front(), "first-appender");
    EXPECT_EQ(heard_on.back(), "gantry-dispatch");
    const auto first_handed = std::find(heard_on.begin(), heard_on.end(), "gantry-dispatch");
    EXPECT_TRUE(std::all_of(heard_on.begin(), first_handed, [](const auto& n) { return n == "first-appender"; }))
        << "only the first appender dispatched before the hand-off";
    EXPECT_TRUE(std::all_of(first_handed, heard_on.end(), [](const auto& n) { return n == "gantry-dispatch"; }))
        << "the dispatcher thread kept it after the hand-off";
}

} // namespace
} // namespace gantry::store
