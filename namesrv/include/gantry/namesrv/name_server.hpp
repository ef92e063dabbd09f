#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/namesrv/broker_registration.hpp"
#include "gantry/namesrv/kv_config.hpp"
#include "gantry/namesrv/route_table.hpp"
#include "gantry/protocols/remoting/remoting_command.hpp"

namespace gantry::namesrv {

// The KV namespace whose entries become a topic route's orderTopicConf
// ("brokerA:4;brokerB:4") and REGISTER_BROKER's response body.
inline constexpr std::string_view order_topic_config_namespace = "ORDER_TOPIC_CONFIG";

// A RocketMQ name server without I/O: requests in, responses out, over the
// route table and the KV configuration. Thread-safe: sessions on every io
// thread call it at once (the two tables have their own mutexes).
class name_server {
public:
    // An empty path keeps the KV configuration in memory only.
    explicit name_server(std::filesystem::path kv_config_path = {});

    // Loads the KV configuration file; the operator's sentence when it is corrupt.
    std::optional<std::string> load();

    // Answers a request that arrived over the connection `channel`: PUT/GET/
    // DELETE_KV_CONFIG (100-102), REGISTER/UNREGISTER_BROKER (103, 104),
    // GET_ROUTEINFO_BY_TOPIC (105), GET_BROKER_CLUSTER_INFO (106),
    // GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206), DELETE_TOPIC_IN_NAMESRV (216),
    // GET_KVLIST_BY_NAMESPACE (219),
    // GET_TOPICS_BY_CLUSTER (224) and QUERY_DATA_VERSION (322), with Java's
    // codes and remarks. Nothing for any other code: the caller answers
    // REQUEST_CODE_NOT_SUPPORTED (or serves it itself).
    std::optional<protocols::remoting::remoting_command> handle(const protocols::remoting::remoting_command& request,
                                                                connection_key channel);

    // Registers a broker of this process (gantryd's one-process mode): no
    // connection, never expired; call again when its topics change.
    registration_result register_broker(const broker_registration& registration);

    // The connection `channel` closed: the brokers registered over it leave (logged).
    void connection_closed(connection_key channel);

    // Removes the brokers silent for more than 120 s at `now`, each logged
    // as a warning; the caller runs this every 10 s.
    std::vector<removed_broker> expire_silent_brokers(std::chrono::steady_clock::time_point now);

    route_table& routes() noexcept { return routes_; }
    const route_table& routes() const noexcept { return routes_; }
    kv_config& kv() noexcept { return kv_; }
    const kv_config& kv() const noexcept { return kv_; }

private:
    route_table routes_;
    kv_config kv_;
};

} // namespace gantry::namesrv
