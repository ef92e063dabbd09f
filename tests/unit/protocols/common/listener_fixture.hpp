#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "gantry/protocols/common/io_pool.hpp"
#include "gantry/protocols/common/tcp_listener.hpp"
#include "line_echo_module.hpp"
#include "loopback_client.hpp"

namespace gantry::protocols::common::testing {

// One accept thread, two io threads, and a line-echo listener on 127.0.0.1.
class listener_fixture : public ::testing::Test {
protected:
    void SetUp() override {
        accept_pool_.start();
        pool_.start();
    }

    void TearDown() override {
        if (listener_) {
            listener_->stop();
            listener_.reset();
        }
        pool_.stop(std::chrono::seconds(2));
        accept_pool_.stop(std::chrono::seconds(2));
    }

    connection_limits small_limits() const {
        auto limits = module_->default_limits();
        limits.key_prefix = "echo.";
        return limits;
    }

    // Starts the listener (TLS with a `tls` context) on an ephemeral port and returns it.
    std::uint16_t listen(connection_limits limits, std::shared_ptr<tls_server_context> tls = nullptr) {
        listener_ = std::make_unique<tcp_listener>(accept_pool_.at(0), pool_, module_,
                                                   listener_config{"127.0.0.1", 0, std::move(limits),
                                                                   std::move(tls), {}});
        const auto error = listener_->start();
        EXPECT_FALSE(error) << error->message;
        return listener_->port();
    }

    echo_stats& stats() { return *module_->stats; }

    io_pool accept_pool_{1, "accept"};
    io_pool pool_{2, "io"};
    std::shared_ptr<line_echo_module> module_ = std::make_shared<line_echo_module>();
    std::unique_ptr<tcp_listener> listener_;
};

// Polls `condition` until it holds or `timeout` passes.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

} // namespace gantry::protocols::common::testing
