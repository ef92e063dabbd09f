#include "gantry/core/pop_queue.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace gantry::core {
namespace {

using clock = pop_queue::clock;

TEST(PopQueue, HandsEachOffsetOutOnceAndCommitsOnlyPastSettled) {
    pop_queue q(10);
    std::vector<pop_queue::taken> t;
    q.take(15, 3, clock::now() + std::chrono::hours(1), t);
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[0].offset, 10);
    EXPECT_EQ(t[2].offset, 12);
    EXPECT_EQ(q.committed(), 10);
    EXPECT_TRUE(q.ack(11, t[1].delivery_id));
    EXPECT_EQ(q.committed(), 10) << "10 is still unsettled";
    EXPECT_TRUE(q.ack(10, t[0].delivery_id));
    EXPECT_EQ(q.committed(), 12);
    EXPECT_FALSE(q.ack(10, t[0].delivery_id)) << "settling twice does nothing";
    std::vector<pop_queue::taken> more;
    q.take(15, 10, clock::now() + std::chrono::hours(1), more);
    ASSERT_EQ(more.size(), 2u) << "only 13 and 14 remain below the end";
    EXPECT_EQ(more[0].offset, 13);
}

TEST(PopQueue, ReleasedOffsetsComeBackFirstWithTheirCount) {
    pop_queue q(0);
    std::vector<pop_queue::taken> t;
    q.take(5, 2, clock::now() + std::chrono::hours(1), t);
    ASSERT_TRUE(q.release(1, t[1].delivery_id));
    std::vector<pop_queue::taken> again;
    q.take(5, 2, clock::now() + std::chrono::hours(1), again);
    ASSERT_EQ(again.size(), 2u);
    EXPECT_EQ(again[0].offset, 1);
    EXPECT_EQ(again[0].redeliveries, 1);
    EXPECT_NE(again[0].delivery_id, t[1].delivery_id);
    EXPECT_FALSE(q.ack(1, t[1].delivery_id)) << "the old handle is stale";
    EXPECT_EQ(again[1].offset, 2);
}

TEST(PopQueue, OffsetsTakenSettledLeaveNothingInFlight) {
    pop_queue q(0);
    std::vector<pop_queue::taken> t;
    q.take(5, 2, clock::now() + std::chrono::hours(1), t);
    ASSERT_TRUE(q.release(0, t[0].delivery_id));
    std::vector<pop_queue::taken> settled;
    q.take_settled(5, 2, settled);
    ASSERT_EQ(settled.size(), 2u);
    EXPECT_EQ(settled[0].offset, 0) << "a released offset comes first, as with take()";
    EXPECT_EQ(settled[0].redeliveries, 1);
    EXPECT_EQ(settled[1].offset, 2);
    EXPECT_TRUE(settled[0].settled && settled[1].settled);
    EXPECT_FALSE(t[1].settled);
    EXPECT_EQ(q.in_flight(), 1u) << "only 1, taken the ordinary way";
    EXPECT_FALSE(q.ack(2, settled[1].delivery_id)) << "nothing is left to settle";
    EXPECT_EQ(q.committed(), 1);
    ASSERT_TRUE(q.ack(1, t[1].delivery_id));
    EXPECT_EQ(q.committed(), 3);
    std::vector<pop_queue::taken> rest;
    q.take(5, 5, clock::now() + std::chrono::hours(1), rest);
    ASSERT_EQ(rest.size(), 2u) << "0 and 2 are not handed out again";
    EXPECT_EQ(rest[0].offset, 3);
}

TEST(PopQueue, ExpiredDeliveriesGetANewIdAndHoldTheCommit) {
    pop_queue q(0);
    std::vector<pop_queue::taken> t;
    q.take(3, 3, clock::now() - std::chrono::milliseconds(1), t);
    std::vector<pop_queue::taken> expired;
    q.take_expired(clock::now(), expired);
    ASSERT_EQ(expired.size(), 3u);
    EXPECT_FALSE(q.ack(0, t[0].delivery_id));
    EXPECT_EQ(q.committed(), 0);
    EXPECT_TRUE(q.ack(0, expired[0].delivery_id));
    EXPECT_EQ(q.committed(), 1);
    std::vector<pop_queue::taken> none;
    q.take_expired(clock::now() + std::chrono::hours(24), none);
    EXPECT_TRUE(none.empty()) << "a delivery being copied away does not expire again";
}

TEST(PopQueue, CompetingTakersNeverShareAnOffset) {
    pop_queue q(0);
    constexpr int takers = 4;
    std::vector<std::vector<pop_queue::taken>> got(takers);
    std::vector<std::thread> threads;
    for (int i = 0; i < takers; ++i)
        threads.emplace_back([&, i] {
            for (int n = 0; n < 1000; ++n) q.take(10'000, 3, clock::now() + std::chrono::hours(1), got[i]);
        });
    for (auto& th : threads) th.join();
    std::set<std::int64_t> seen;
    std::size_t total = 0;
    for (const auto& g : got) {
        total += g.size();
        for (const auto& t : g) EXPECT_TRUE(seen.insert(t.offset).second) << "offset " << t.offset << " twice";
    }
    EXPECT_EQ(total, 10'000u);
}

} // namespace
} // namespace gantry::core
