#pragma once

#include <chrono>

#include "gantry/engine/asio.hpp"

namespace gantry::namesrv {

class name_server;

// Every 10 s (by default), removes the brokers silent for 120 s (Java's
// scanNotActiveBroker). Lives on one executor: start() and stop() run there
// (or before it runs), and the object outlives the executor's last handler.
class broker_expiry {
public:
    static constexpr std::chrono::milliseconds default_period{std::chrono::seconds(10)};

    broker_expiry(asio::any_io_executor executor, name_server& server,
                  std::chrono::milliseconds period = default_period);

    void start();
    void stop();

private:
    void arm();

    asio::steady_timer timer_;
    name_server& server_;
    const std::chrono::milliseconds period_;
    bool running_ = false;
};

} // namespace gantry::namesrv
