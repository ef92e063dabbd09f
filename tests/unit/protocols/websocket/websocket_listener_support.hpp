#pragma once

// What the WebSocket listener tests (ws and wss) share: the line-echo module
// of the listener tests behind subprotocols, and client waits that end.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gantry/protocols/common/asio_net.hpp"

#include <boost/beast/core.hpp>

#include "../common/line_echo_module.hpp"
#include "../common/listener_fixture.hpp"

namespace gantry::protocols::websocket::testing {

namespace beast = boost::beast;

inline constexpr auto client_wait = std::chrono::seconds(5);

// The line-echo module, offered over WebSocket under `subprotocols`.
class offered_module final : public common::protocol_module {
public:
    offered_module(std::shared_ptr<common::testing::line_echo_module> echo, std::string name,
                   std::vector<std::string> subprotocols)
        : echo_(std::move(echo)), name_(std::move(name)), subprotocols_(std::move(subprotocols)) {}

    std::string_view name() const override { return name_; }
    std::uint16_t default_port() const override { return echo_->default_port(); }
    std::vector<std::string> websocket_subprotocols() const override { return subprotocols_; }
    common::connection_limits default_limits() const override { return echo_->default_limits(); }
    std::unique_ptr<common::protocol_session> make_session(common::connection& conn,
                                                           const common::session_context& context) override {
        return echo_->make_session(conn, context);
    }

private:
    std::shared_ptr<common::testing::line_echo_module> echo_;
    std::string name_;
    std::vector<std::string> subprotocols_;
};

// Runs one asynchronous operation on a private io_context for at most
// client_wait; a silent server fails the test instead of hanging it.
class bounded_io {
public:
    template <typename Start>
    beast::error_code run(Start start) {
        std::optional<beast::error_code> result;
        start([&result](const beast::error_code& error, auto&&...) { result = error; });
        io.restart();
        io.run_for(client_wait);
        if (!result) {
            on_timeout();
            io.restart();
            io.run_for(std::chrono::seconds(1));
            return asio::error::timed_out;
        }
        return *result;
    }

    virtual ~bounded_io() = default;
    asio::io_context io;

protected:
    virtual void on_timeout() = 0;
};

} // namespace gantry::protocols::websocket::testing
