#include <gtest/gtest.h>

#include <chrono>

#include "gantry/namesrv/broker_expiry.hpp"
#include "gantry/namesrv/name_server.hpp"
#include "gantry/protocols/common/asio_net.hpp"
#include "namesrv_test_support.hpp"

namespace gantry::namesrv::test {
namespace {

using namespace std::chrono_literals;

TEST(namesrv_broker_expiry_test, the_timer_removes_silent_brokers_until_stopped) {
    name_server server;
    const auto now = std::chrono::steady_clock::now();
    server.routes().register_broker(master({topic("Silent", 1)}), 11, now - 121s);
    server.routes().register_broker(master({topic("Alive", 1)}, 1, "broker-b", "10.0.0.2:10911"), 22, now);

    asio::io_context context;
    broker_expiry expiry(context.get_executor(), server, 5ms);
    expiry.start();
    asio::steady_timer stop_later(context, 100ms);
    stop_later.async_wait([&](const boost::system::error_code&) { expiry.stop(); });
    context.run_for(10s); // returns once stopped: nothing else is pending

    EXPECT_TRUE(context.stopped());
    EXPECT_FALSE(server.routes().route("Silent"));
    EXPECT_TRUE(server.routes().route("Alive"));
}

} // namespace
} // namespace gantry::namesrv::test
