// connection::move_to: a plain TCP connection moved between io threads keeps
// its bytes in order, its idle timeout and its listener's stop.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "listener_fixture.hpp"

namespace gantry::protocols::common::testing {
namespace {

using namespace std::chrono_literals;

class ConnectionMoveTest : public listener_fixture {
protected:
    void SetUp() override {
        listener_fixture::SetUp();
        stats().io_contexts = {&pool_.at(0), &pool_.at(1)};
    }

    // The io thread the client's connection runs on now, as "io-0" / "io-1".
    static std::string where(loopback_client& client) {
        EXPECT_TRUE(client.write_all("where\n"));
        return client.read_line().value_or("no answer");
    }

    // Whether the connection runs on `thread` within a second: a move is
    // made once nothing of the connection is pending, and bytes the client
    // sent right behind an answer may be read on the old thread first.
    static bool reaches(loopback_client& client, const std::string& thread) {
        return eventually([&] { return where(client) == thread; }, std::chrono::seconds(1));
    }

    // Sends `lines` (each with its '\n') and whether each came back.
    static bool echoed(loopback_client& client, const std::vector<std::string>& lines) {
        std::string all;
        for (const auto& line : lines) all += line + "\n";
        if (!client.write_all(all)) return false;
        for (const auto& line : lines) {
            if (client.read_line() != line) return false;
        }
        return true;
    }

    // The index of the io thread it does not run on.
    static std::string other_than(const std::string& thread) { return thread == "io-0" ? "1" : "0"; }
};

TEST_F(ConnectionMoveTest, MovesToTheAskedThreadAndKeepsEveryByteInOrder) {
    const auto port = listen(small_limits());
    loopback_client client(port);
    const auto first = where(client);
    ASSERT_TRUE(first == "io-0" || first == "io-1") << first;
    const auto target = other_than(first);

    // Lines sent right behind the move are read after it, on the new thread.
    std::string burst = "move " + target + "\n";
    for (int i = 0; i < 2000; ++i) burst += "line " + std::to_string(i) + "\n";
    ASSERT_TRUE(client.write_all(burst));
    EXPECT_EQ(client.read_line(), "move " + target);
    for (int i = 0; i < 2000; ++i) ASSERT_EQ(client.read_line(), "line " + std::to_string(i));
    EXPECT_TRUE(reaches(client, "io-" + target));

    // And back again.
    ASSERT_TRUE(echoed(client, {"move " + other_than("io-" + target)}));
    EXPECT_TRUE(reaches(client, first));
    EXPECT_TRUE(stats().reasons().empty()) << ::testing::PrintToString(stats().reasons());
}

TEST_F(ConnectionMoveTest, WaitsWhileTheSessionIsNotMovable) {
    const auto port = listen(small_limits());
    loopback_client client(port);
    const auto first = where(client);
    ASSERT_TRUE(echoed(client, {"hold", "move " + other_than(first)}));
    EXPECT_EQ(where(client), first);
    ASSERT_TRUE(echoed(client, {"release"}));
    EXPECT_TRUE(reaches(client, "io-" + other_than(first)));
}

TEST_F(ConnectionMoveTest, AConnectionClosedBeforeItsMoveForgetsIt) {
    const auto port = listen(small_limits());
    {
        loopback_client client(port);
        const auto first = where(client);
        ASSERT_TRUE(echoed(client, {"hold", "move " + other_than(first)}));
    }
    ASSERT_TRUE(stats().wait_closes(1));
    EXPECT_EQ(stats().reasons().at(0), "the peer closed the connection");
    // The io threads still serve others.
    loopback_client next(port);
    ASSERT_TRUE(next.write_all("hi\n"));
    EXPECT_EQ(next.read_line(), "hi");
}

TEST_F(ConnectionMoveTest, TheIdleTimeoutStillAppliesAfterAMove) {
    const auto port = listen(small_limits());
    loopback_client client(port);
    const auto first = where(client);
    ASSERT_TRUE(echoed(client, {"idle 200", "move " + other_than(first)}));
    EXPECT_TRUE(reaches(client, "io-" + other_than(first)));
    EXPECT_TRUE(client.wait_closed(3s));
    ASSERT_TRUE(stats().wait_closes(1));
    EXPECT_EQ(stats().reasons().at(0), "idle for 200 ms");
}

TEST_F(ConnectionMoveTest, StoppingTheListenerClosesAMovedConnection) {
    const auto port = listen(small_limits());
    loopback_client client(port);
    const auto first = where(client);
    ASSERT_TRUE(echoed(client, {"move " + other_than(first)}));
    ASSERT_TRUE(reaches(client, "io-" + other_than(first)));
    listener_->stop();
    EXPECT_TRUE(client.wait_closed());
    ASSERT_TRUE(stats().wait_closes(1));
    EXPECT_EQ(stats().reasons().at(0), "listener stopped");
    EXPECT_TRUE(eventually([&] { return listener_->live_connections() == 0; }));
}

} // namespace
} // namespace gantry::protocols::common::testing
