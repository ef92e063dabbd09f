#pragma once

#include <cstdint>
#include <functional>
#include <map>
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

// How the module keeps name servers current and, in gantryd's one-process
// mode, answers name-server requests itself.
struct name_server_access {
    // One-process mode (clients use the broker's own address as their name
    // server): the embedded name server that answers every request code the
    // broker has no handler for. nullptr when name servers are configured.
    namesrv::name_server* embedded = nullptr;
    // Brings the name servers up to date with this broker's topics, then
    // calls `done` (on any thread; at once when nothing changed). Java
    // registers a topic it created before it replies, so clients can route
    // to it as soon as they have the answer: handlers that may create topics
    // answer from `done`. Runs before every embedded name-server answer.
    std::function<void(std::function<void()> done)> publish_topics;
};

// What GET_BROKER_RUNTIME_INFO reports besides the broker's name and version:
// name → value, read when asked, from any io thread (the bridges' state).
using runtime_info_source = std::function<std::map<std::string, std::string>()>;

// The native protocol's listener limits before configuration (keys "remoting.*").
common::connection_limits remoting_default_limits();

// RocketMQ 4.x remoting as the listener layer sees it: one remoting_session
// per connection, all sharing one codec, the engine, the broker identity and
// the registry of consumers their heartbeats announce and the table of
// orderly consumers' queue locks.
class remoting_module final : public common::protocol_module {
public:
    static constexpr std::uint16_t port = 10911;

    remoting_module(engine::facade& engine, broker_identity identity,
                    std::optional<name_server_access> name_servers = std::nullopt,
                    runtime_info_source runtime_info = {});
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
    std::optional<name_server_access> name_servers_;
    runtime_info_source runtime_info_;
};

} // namespace gantry::protocols::remoting
