#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

#include "gantry/protocols/common/io_pool.hpp"

namespace gantry::protocols::common {
namespace {

using namespace std::chrono_literals;

std::thread::id thread_of(asio::io_context& context) {
    std::promise<std::thread::id> ran;
    auto future = ran.get_future();
    asio::post(context, [&] { ran.set_value(std::this_thread::get_id()); });
    EXPECT_EQ(future.wait_for(5s), std::future_status::ready);
    return future.get();
}

TEST(IoPoolTest, EachContextHasItsOwnThreadAndNextGoesRoundRobin) {
    io_pool pool(3);
    pool.start();
    std::set<asio::io_context*> picked;
    std::set<std::thread::id> threads;
    for (int i = 0; i < 3; ++i) {
        auto& context = pool.next();
        picked.insert(&context);
        threads.insert(thread_of(context));
    }
    EXPECT_EQ(picked.size(), 3u);
    EXPECT_EQ(threads.size(), 3u);
    EXPECT_EQ(thread_of(pool.at(0)), thread_of(pool.at(0)));
    EXPECT_EQ(&pool.next(), &pool.at(0));
    pool.stop();
}

TEST(IoPoolTest, DefaultsToOneThreadPerCore) {
    io_pool pool;
    EXPECT_EQ(pool.size(), std::max(1u, std::thread::hardware_concurrency()));
}

TEST(IoPoolTest, StopLetsPendingWorkFinishThenJoins) {
    io_pool pool(2);
    pool.start();
    std::atomic<bool> finished{false};
    asio::steady_timer timer(pool.at(1), 100ms);
    timer.async_wait([&](const boost::system::error_code&) { finished = true; });
    pool.stop(5s);
    EXPECT_TRUE(finished);
}

TEST(IoPoolTest, StopGivesUpOnWorkThatNeverEndsAfterTheGrace) {
    io_pool pool(1);
    pool.start();
    asio::steady_timer timer(pool.at(0), std::chrono::hours(1));
    timer.async_wait([](const boost::system::error_code&) {});
    const auto start = std::chrono::steady_clock::now();
    pool.stop(200ms);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

} // namespace
} // namespace gantry::protocols::common
