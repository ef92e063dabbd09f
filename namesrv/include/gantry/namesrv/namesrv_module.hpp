#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/protocols/common/protocol_module.hpp"

namespace gantry::namesrv {

class name_server;

// The name server as the listener layer sees it: one namesrv_session per
// connection, all answering through one name_server (which must outlive
// the module's connections).
class namesrv_module final : public protocols::common::protocol_module {
public:
    static constexpr std::uint16_t port = 9876;

    explicit namesrv_module(name_server& server) : server_(server) {}

    std::string_view name() const override { return "namesrv"; }
    std::uint16_t default_port() const override { return port; }
    std::vector<std::string> websocket_subprotocols() const override { return {}; }
    protocols::common::connection_limits default_limits() const override;
    std::unique_ptr<protocols::common::protocol_session> make_session(
        protocols::common::connection& conn, const protocols::common::session_context& context) override;

private:
    name_server& server_;
};

} // namespace gantry::namesrv
