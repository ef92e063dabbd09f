#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/engine/facade.hpp"
#include "gantry/protocols/common/protocol_module.hpp"
#include "gantry/protocols/remoting/remoting_codec.hpp"

namespace gantry::protocols::remoting {

class consumer_registry;
class queue_lock_table;
} // namespace gantry::protocols::remoting

namespace gantry::namesrv {
class name_server;
} // namespace gantry::namesrv

namespace gantry::protocols::remoting {

// How this broker names itself to RocketMQ clients.
struct broker_identity {
    std::string broker_name = "gantry";
    std::string cluster = "DefaultCluster";
    std::string store_host = "127.0.0.1:10911"; // "ip:port" clients can reach
};

// gantryd's one-process mode: clients use the broker's own address as their
// name server, so the module answers name-server requests (codes it has no
// broker handler for) with an embedded name server. `refresh` runs first, so
// the broker's own registration there is brought up to date (a topic
// created a moment ago already has its route).
struct one_process_name_server {
    namesrv::name_server& server;
    std::function<void()> refresh;
};

// RocketMQ 4.x remoting as the listener layer sees it: one remoting_session
// per connection, all sharing one codec, the engine, the broker identity and
// the registry of consumers their heartbeats announce and the table of
// orderly consumers' queue locks.
class remoting_module final : public common::protocol_module {
public:
    static constexpr std::uint16_t port = 10911;

    remoting_module(engine::facade& engine, broker_identity identity,
                    std::optional<one_process_name_server> name_server = std::nullopt);
    ~remoting_module() override;

    std::string_view name() const override { return "remoting"; }
    std::uint16_t default_port() const override { return port; }
    std::vector<std::string> websocket_subprotocols() const override { return {}; }
    common::connection_limits default_limits() const override;
    std::unique_ptr<common::protocol_session> make_session(common::connection& conn,
                                                           const common::session_context& context) override;

    const broker_identity& identity() const noexcept { return identity_; }

private:
    engine::facade& engine_;
    const broker_identity identity_;
    // The consumers every session's heartbeats announce (shared by all).
    std::unique_ptr<consumer_registry> consumers_;
    // Orderly consumers' queue locks (shared by all).
    std::unique_ptr<queue_lock_table> queue_locks_;
    std::optional<one_process_name_server> name_server_;
};

} // namespace gantry::protocols::remoting
