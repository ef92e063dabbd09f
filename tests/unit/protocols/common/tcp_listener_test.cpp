#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "listener_fixture.hpp"

namespace gantry::protocols::common::testing {
namespace {

using namespace std::chrono_literals;

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
    if (text.find(part) != std::string::npos) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << '"' << text << "\" does not contain \"" << part << '"';
}

class TcpListenerTest : public listener_fixture {};

TEST_F(TcpListenerTest, EchoesLines) {
    const auto port = listen(small_limits());
    loopback_client client(port);
    ASSERT_TRUE(client.connected());
    ASSERT_TRUE(client.write_all("hello\nwor"));
    ASSERT_TRUE(client.write_all("ld\n"));
    EXPECT_EQ(client.read_line(), "hello");
    EXPECT_EQ(client.read_line(), "world");
}

TEST_F(TcpListenerTest, SpreadsConnectionsOverTheIoContexts) {
    const auto port = listen(small_limits());
    std::vector<std::unique_ptr<loopback_client>> clients;
    for (int i = 0; i < 4; ++i) {
        clients.push_back(std::make_unique<loopback_client>(port));
        ASSERT_TRUE(clients.back()->write_all("ping " + std::to_string(i) + "\n"));
    }
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(clients[static_cast<std::size_t>(i)]->read_line(), "ping " + std::to_string(i));
    }
    std::lock_guard lock(stats().mutex);
    EXPECT_EQ(stats().session_threads.size(), 2u);
}

TEST_F(TcpListenerTest, FrameOverMaxFrameSizeClosesWithTheReason) {
    auto limits = small_limits();
    limits.max_frame_size = 64;
    const auto port = listen(limits);
    loopback_client client(port);
    ASSERT_TRUE(client.write_all(std::string(100, 'a')));
    EXPECT_TRUE(client.wait_closed());
    ASSERT_TRUE(stats().wait_closes(1));
    EXPECT_TRUE(contains(stats().reasons().at(0), "maxFrameSize"));
}

TEST_F(TcpListenerTest, RefusesConnectionsOverMaxConnections) {
    auto limits = small_limits();
    limits.max_connections = 2;
    const auto port = listen(limits);
    loopback_client first(port);
    loopback_client second(port);
    ASSERT_TRUE(first.write_all("one\n"));
    ASSERT_TRUE(second.write_all("two\n"));
    ASSERT_EQ(first.read_line(), "one");
    ASSERT_EQ(second.read_line(), "two");

    loopback_client third(port);
    EXPECT_TRUE(third.wait_closed());
    EXPECT_EQ(listener_->live_connections(), 2u);

    ASSERT_TRUE(first.write_all("still\n"));
    EXPECT_EQ(first.read_line(), "still");

    // A closed connection frees its slot.
    second.socket().close();
    ASSERT_TRUE(eventually([&] { return listener_->live_connections() == 1; }));
    loopback_client fourth(port);
    ASSERT_TRUE(fourth.write_all("four\n"));
    EXPECT_EQ(fourth.read_line(), "four");
}

TEST_F(TcpListenerTest, IdleTimeoutClosesASilentConnectionOnly) {
    auto limits = small_limits();
    limits.idle_timeout = 300ms;
    const auto port = listen(limits);
    loopback_client silent(port);
    loopback_client talker(port);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(talker.write_all("tick\n"));
        ASSERT_EQ(talker.read_line(), "tick");
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(silent.wait_closed(3s));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
    ASSERT_TRUE(stats().wait_closes(1));
    EXPECT_TRUE(contains(stats().reasons().at(0), "idle"));
    ASSERT_TRUE(talker.write_all("alive\n"));
    EXPECT_EQ(talker.read_line(), "alive");
}

// The connections of an io thread share one idle timer, which ticks at an
// eighth of the shortest timeout it watches: a connection that shortens its
// own (an MQTT keep-alive) is closed soon after it, not a tick of the
// listener's long timeout later; the others keep theirs.
TEST_F(TcpListenerTest, AConnectionsOwnShortIdleTimeoutIsKeptAmongLongOnes) {
    auto limits = small_limits();
    limits.idle_timeout = 60s;
    const auto port = listen(limits);
    std::vector<std::unique_ptr<loopback_client>> quiet;
    for (int i = 0; i < 4; ++i) quiet.push_back(std::make_unique<loopback_client>(port));
    loopback_client hasty(port);
    ASSERT_TRUE(hasty.write_all("idle 300\n"));
    ASSERT_EQ(hasty.read_line(), "idle 300");
    const auto asked = std::chrono::steady_clock::now();
    EXPECT_TRUE(hasty.wait_closed(3s));
    const auto after = std::chrono::steady_clock::now() - asked;
    EXPECT_GE(after, 250ms);
    EXPECT_LT(after, 900ms);
    ASSERT_TRUE(stats().wait_closes(1));
    EXPECT_EQ(stats().reasons().at(0), "idle for 300 ms");
    for (auto& client : quiet) {
        ASSERT_TRUE(client->write_all("alive\n"));
        EXPECT_EQ(client->read_line(), "alive");
    }
}

TEST_F(TcpListenerTest, CloseAfterFlushDeliversTheLastBytesThenCloses) {
    const auto port = listen(small_limits());
    loopback_client client(port, 8192);
    // The line after "bye" is never consumed: it must not turn the close into
    // a reset that destroys the farewell.
    ASSERT_TRUE(client.write_all("bye\nignored after bye\n"));
    std::this_thread::sleep_for(200ms); // let the server queue everything first
    const auto farewell = client.read_line();
    ASSERT_TRUE(farewell.has_value());
    EXPECT_EQ(farewell->size(), farewell_size);
    EXPECT_TRUE(client.wait_closed());
    ASSERT_TRUE(stats().wait_closes(1));
    EXPECT_EQ(stats().reasons().at(0), "client said bye");
}

TEST_F(TcpListenerTest, ZeroCopySendHoldsTheTokenUntilWritten) {
    const auto port = listen(small_limits());
    loopback_client client(port);
    ASSERT_TRUE(client.write_all("zc\n"));
    EXPECT_EQ(client.read_line(), "zero-copy");
    EXPECT_TRUE(eventually([&] {
        std::lock_guard lock(stats().mutex);
        return stats().last_token.expired();
    }));
}

TEST_F(TcpListenerTest, StopClosesEveryConnection) {
    const auto port = listen(small_limits());
    std::vector<std::unique_ptr<loopback_client>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<loopback_client>(port));
        ASSERT_TRUE(clients.back()->write_all("hi\n"));
        ASSERT_EQ(clients.back()->read_line(), "hi");
    }
    listener_->stop();
    for (auto& client : clients) {
        EXPECT_TRUE(client->wait_closed());
    }
    ASSERT_TRUE(stats().wait_closes(3));
    for (const auto& reason : stats().reasons()) {
        EXPECT_EQ(reason, "listener stopped");
    }
    EXPECT_TRUE(eventually([&] { return listener_->live_connections() == 0; }));
    loopback_client late(port);
    EXPECT_FALSE(late.connected() && late.write_all("x\n") && late.read_line(1s).has_value());
}

TEST_F(TcpListenerTest, BindingAPortInUseReturnsAnErrorNamingIt) {
    const auto port = listen(small_limits());
    tcp_listener second(accept_pool_.at(0), pool_, module_,
                        listener_config{"127.0.0.1", port, small_limits(), nullptr, {}});
    const auto error = second.start();
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->code, std::errc::address_in_use);
    EXPECT_EQ(error->message, "cannot listen on 127.0.0.1:" + std::to_string(port) +
                                  " (ECHO): address already in use; stop the other process or set echo.listenPort");
}

TEST_F(TcpListenerTest, RefusesLimitsThatCannotWork) {
    auto limits = small_limits();
    limits.input_budget_bytes = limits.max_frame_size - 1;
    tcp_listener listener(accept_pool_.at(0), pool_, module_, listener_config{"127.0.0.1", 0, limits, nullptr, {}});
    const auto error = listener.start();
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->code, std::errc::invalid_argument);
    EXPECT_TRUE(contains(error->message, "echo.inputBudgetBytes"));
}

} // namespace
} // namespace gantry::protocols::common::testing
