#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "gantry/protocols/common/io_load.hpp"
#include "gantry/protocols/common/io_pool.hpp"

namespace gantry::protocols::common {
namespace {

using clock = std::chrono::steady_clock;

// Keeps io thread 0 on the CPU for `busy`.
void spin_on(io_pool& pool, std::chrono::milliseconds busy) {
    std::promise<void> done;
    asio::post(pool.at(0), [&] {
        const auto until = clock::now() + busy;
        while (clock::now() < until) {
        }
        done.set_value();
    });
    done.get_future().wait();
}

TEST(IoLoadTest, TellsABusyThreadFromAnIdleOneAndNothingOfAnUnmeasuredPast) {
    io_pool pool(2, "io");
    pool.start();
    auto* busy = io_load::of(pool.at(0).get_executor());
    auto* idle = io_load::of(pool.at(1).get_executor());
    ASSERT_TRUE(busy && idle);

    // The first ask starts a period: no answer yet.
    EXPECT_FALSE(busy->busy_fraction(clock::now()));
    EXPECT_FALSE(idle->busy_fraction(clock::now()));
    spin_on(pool, std::chrono::milliseconds(300));
    const auto busy_share = busy->busy_fraction(clock::now());
    const auto idle_share = idle->busy_fraction(clock::now());
    ASSERT_TRUE(busy_share && idle_share);
    EXPECT_GT(*busy_share, 0.5);
    EXPECT_LT(*idle_share, 0.2);
    // Asked again within the period: the same answer, not a new one.
    EXPECT_EQ(busy->busy_fraction(clock::now()), busy_share);
    // Asked after more than a second: averaging over it would hide what
    // happens now, so no answer.
    EXPECT_FALSE(idle->busy_fraction(clock::now() + io_load::stale + std::chrono::milliseconds(200)));
    pool.stop();
}

TEST(IoLoadTest, AnIoContextNoPoolRunsOrAStrandHasNone) {
    asio::io_context unrun;
    auto* load = io_load::of(unrun.get_executor());
    ASSERT_TRUE(load);
    EXPECT_FALSE(load->busy_fraction(clock::now()));
    const asio::any_io_executor strand = asio::make_strand(unrun);
    EXPECT_EQ(io_load::of(strand), nullptr);
}

} // namespace
} // namespace gantry::protocols::common
