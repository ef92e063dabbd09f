// The index is built on the builder's own thread, behind the dispatcher: what
// was dispatched is indexed within a round, after a park, at a stop, and
// before a query that waits for it.
#include "gantry/store/index_builder.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <string>
#include <thread>

#include "gantry/store/commit_log.hpp"
#include "gantry/store/index_service.hpp"
#include "gantry/store/message_properties.hpp"
#include "store_test_support.hpp"

namespace gantry::store {
namespace {

using namespace std::chrono_literals;
using testing::small_config;
using testing::temp_dir;
using testing::test_message;

// Polls `done` for up to two seconds.
template <typename F>
bool eventually(F done) {
    for (int i = 0; i < 2000; ++i) {
        if (done()) return true;
        std::this_thread::sleep_for(1ms);
    }
    return done();
}

class IndexBuilderTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_FALSE(log_.load());
        ASSERT_FALSE(index_.load());
    }

    // Appends records keyed key-<from> .. key-<to - 1>; returns the log's end.
    std::int64_t append_keyed(int from, int to) {
        for (int i = from; i < to; ++i) {
            std::string props;
            append_property(props, property::keys, "key-" + std::to_string(i));
            EXPECT_TRUE(log_.append(test_message{"t", 0, "m", props}.view()));
        }
        return log_.max_offset();
    }

    std::size_t found(int i) const { return index_.query("t", "key-" + std::to_string(i), 4, 0, INT64_MAX).size(); }

    temp_dir dir_;
    store_config config_ = small_config(dir_.path());
    commit_log log_{config_};
    index_service index_{config_};
};

TEST_F(IndexBuilderTest, WhatIsDispatchedIsIndexedWithinARoundWithoutAWakeUp) {
    index_builder builder(log_, index_, {.interval = 1ms, .idle_rounds_to_park = 1000});
    builder.start();
    const auto end = append_keyed(0, 50);
    builder.dispatched(end);
    EXPECT_TRUE(eventually([&] { return builder.indexed_offset() == end; }));
    for (int i = 0; i < 50; ++i) EXPECT_EQ(found(i), 1u) << "key-" << i;
    EXPECT_FALSE(builder.parked());
}

TEST_F(IndexBuilderTest, AParkedBuilderWakesWhenMoreIsDispatched) {
    index_builder builder(log_, index_, {.interval = 1ms, .idle_rounds_to_park = 3});
    builder.start();
    ASSERT_TRUE(eventually([&] { return builder.parked(); })) << "nothing to index: it parks";
    const auto end = append_keyed(0, 20);
    builder.dispatched(end);
    EXPECT_TRUE(eventually([&] { return builder.indexed_offset() == end; }));
    EXPECT_EQ(found(19), 1u);
    EXPECT_TRUE(eventually([&] { return builder.parked(); })) << "and parks again once caught up";
}

TEST_F(IndexBuilderTest, StopIndexesEverythingDispatchedBeforeIt) {
    index_builder builder(log_, index_, {.interval = 1h, .idle_rounds_to_park = 1000});
    builder.start();
    const auto end = append_keyed(0, 30);
    builder.dispatched(end);
    builder.stop();
    EXPECT_EQ(builder.indexed_offset(), end);
    EXPECT_EQ(found(29), 1u);
}

TEST_F(IndexBuilderTest, AWaitingQueryGetsARoundAtOnce) {
    index_builder builder(log_, index_, {.interval = 1h, .idle_rounds_to_park = 1000});
    builder.start();
    ASSERT_TRUE(builder.wait_indexed(1s)) << "nothing dispatched: nothing to wait for";
    const auto end = append_keyed(0, 10);
    builder.dispatched(end);
    EXPECT_TRUE(builder.wait_indexed(2s)) << "the builder naps for an hour unless asked";
    EXPECT_EQ(builder.indexed_offset(), end);
    EXPECT_EQ(found(9), 1u);
}

std::chrono::nanoseconds process_cpu_time() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// Told of an end it cannot reach (nothing written there), the builder keeps
// its pace instead of going round without sleeping.
TEST_F(IndexBuilderTest, ABuilderThatCannotGoFurtherKeepsItsPace) {
    index_builder builder(log_, index_, {.interval = 1ms, .idle_rounds_to_park = 3});
    builder.start();
    const auto end = append_keyed(0, 5);
    builder.dispatched(end + 4096);
    ASSERT_TRUE(eventually([&] { return builder.indexed_offset() == end; }));
    const auto cpu_before = process_cpu_time();
    std::this_thread::sleep_for(300ms);
    EXPECT_LT(process_cpu_time() - cpu_before, 100ms) << "the builder spun";
}

TEST_F(IndexBuilderTest, CatchUpIndexesTheGivenRangeOnTheCallingThread) {
    const auto middle = append_keyed(0, 10);
    const auto end = append_keyed(10, 20);
    index_builder builder(log_, index_);
    builder.catch_up(middle, end, true);
    EXPECT_EQ(builder.indexed_offset(), end);
    EXPECT_EQ(found(9), 0u) << "below `from`: already indexed, as far as the builder knows";
    EXPECT_EQ(found(10), 1u);
    EXPECT_EQ(found(19), 1u);
}

} // namespace
} // namespace gantry::store
