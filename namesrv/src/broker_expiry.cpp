#include "gantry/namesrv/broker_expiry.hpp"

#include <utility>

#include "gantry/namesrv/name_server.hpp"

namespace gantry::namesrv {

broker_expiry::broker_expiry(asio::any_io_executor executor, name_server& server, std::chrono::milliseconds period)
    : timer_(std::move(executor)), server_(server), period_(period) {}

void broker_expiry::start() {
    running_ = true;
    arm();
}

void broker_expiry::stop() {
    running_ = false;
    timer_.cancel();
}

void broker_expiry::arm() {
    timer_.expires_after(period_);
    timer_.async_wait([this](const boost::system::error_code& error) {
        if (error || !running_) return;
        server_.expire_silent_brokers(std::chrono::steady_clock::now());
        arm();
    });
}

} // namespace gantry::namesrv
