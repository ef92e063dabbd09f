#include <gtest/gtest.h>

#include <future>
#include <string>

#include "listener_fixture.hpp"

namespace gantry::protocols::common::testing {
namespace {

using namespace std::chrono_literals;

struct connection_view {
    bool input_paused = false;
    bool output_blocked = false;
    std::size_t queued = 0;
};

// Reads the connection's state on its own executor, as the rules require.
connection_view look_at(const std::shared_ptr<connection>& conn) {
    std::promise<connection_view> seen;
    auto future = seen.get_future();
    asio::post(conn->executor(), [&] {
        seen.set_value({conn->input_paused(), conn->output_blocked(), conn->output_queued_bytes()});
    });
    EXPECT_EQ(future.wait_for(5s), std::future_status::ready);
    return future.get();
}

class BackPressureTest : public listener_fixture {};

TEST_F(BackPressureTest, StopsReadingWhileTheOutputIsOverBudgetAndResumesWhenDrained) {
    constexpr std::size_t budget = 64 * 1024;
    auto limits = small_limits();
    limits.output_budget_bytes = budget;
    limits.idle_timeout = 0ms;
    const auto port = listen(limits);
    loopback_client client(port, 4096);
    ASSERT_TRUE(client.connected());

    // Send echo requests and never read, until the server stops taking them:
    // the consumed count stays put while our writes are refused.
    const std::string line = std::string(511, 'p') + "\n";
    std::size_t sent = 0;
    std::size_t partial = 0; // bytes of the current line already sent
    std::size_t last_consumed = 0;
    auto stable_since = std::chrono::steady_clock::now();
    const auto deadline = stable_since + 20s;
    for (;;) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the server never stopped reading";
        const auto n = client.try_write(std::string_view(line).substr(partial));
        sent += n;
        partial = (partial + n) % line.size();
        const auto consumed = stats().consumed_bytes.load();
        if (consumed != last_consumed || n > 0) {
            last_consumed = consumed;
            stable_since = std::chrono::steady_clock::now();
        } else if (std::chrono::steady_clock::now() - stable_since > 300ms) {
            break;
        } else {
            std::this_thread::sleep_for(2ms);
        }
    }

    const auto conn = stats().connection_at(0);
    ASSERT_TRUE(conn);
    const auto paused = look_at(conn);
    EXPECT_TRUE(paused.input_paused);
    EXPECT_TRUE(paused.output_blocked);
    EXPECT_GT(paused.queued, budget);
    // Consuming stops at the first frame that crosses the budget.
    EXPECT_LE(paused.queued, budget + line.size());
    const auto consumed_while_paused = stats().consumed_bytes.load();
    EXPECT_LT(consumed_while_paused, sent);

    // Now read everything back while finishing the last line: the server
    // resumes and echoes every byte we sent.
    std::string received;
    const auto drain_deadline = std::chrono::steady_clock::now() + 20s;
    std::size_t to_send = partial == 0 ? 0 : line.size() - partial;
    while (received.size() < sent + to_send) {
        ASSERT_LT(std::chrono::steady_clock::now(), drain_deadline) << "got " << received.size() << " of " << sent;
        if (to_send > 0) {
            const auto n = client.try_write(std::string_view(line).substr(line.size() - to_send));
            sent += n;
            to_send -= n;
        }
        const auto before = received.size();
        ASSERT_TRUE(client.try_read(received));
        if (received.size() == before) {
            std::this_thread::sleep_for(1ms);
        }
    }
    EXPECT_EQ(received.size(), sent);
    EXPECT_EQ(stats().consumed_bytes.load(), sent);
    EXPECT_GT(stats().consumed_bytes.load(), consumed_while_paused);
    EXPECT_GE(stats().writable_calls.load(), 1u);
    const auto resumed = look_at(conn);
    EXPECT_FALSE(resumed.input_paused);
    EXPECT_EQ(resumed.queued, 0u);
}

} // namespace
} // namespace gantry::protocols::common::testing
