#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/engine/result.hpp"

// Routes as name servers describe them (spec 4.3, 4.4): what a name server
// answers with and what clients read, with the one JSON form both use.
namespace gantry::protocols::remoting {

// QueueData: one broker name hosting a topic.
struct queue_data {
    std::string broker_name;
    std::int32_t read_queue_nums = 0;
    std::int32_t write_queue_nums = 0;
    std::int32_t perm = 0;
    std::int32_t topic_sys_flag = 0;

    bool operator==(const queue_data&) const = default;
};

// BrokerData: a broker name and its addresses by broker id (0 = master).
struct broker_data {
    std::string cluster;
    std::string broker_name;
    std::map<std::int64_t, std::string> broker_addrs;

    bool operator==(const broker_data&) const = default;
};

// TopicRouteData, both lists sorted by broker name.
struct topic_route {
    std::vector<broker_data> brokers;
    std::vector<queue_data> queues;
    std::optional<std::string> order_topic_conf;

    bool operator==(const topic_route&) const = default;
};

// ClusterInfo: broker name → its data, cluster → its broker names.
struct cluster_info {
    std::map<std::string, broker_data> brokers;
    std::map<std::string, std::set<std::string>> clusters;

    bool operator==(const cluster_info&) const = default;
};

// Compact JSON with keys in fastjson's alphabetical order. brokerAddrs keys
// are quoted ("0"), which every client parses, and there is no whitespace
// anywhere: the Go client splits the brokerAddrs text on ',' and ':'.
std::string topic_route_json(const topic_route& route);
std::string cluster_info_json(const cluster_info& info);

// The same bodies read back (numbers may be strings, unknown keys are
// skipped); remoting_errc::malformed_body otherwise. Only quoted brokerAddrs
// keys: bare numeric keys (what Java writes for old clients) are not JSON.
result<topic_route> parse_topic_route(std::string_view json);
result<cluster_info> parse_cluster_info(std::string_view json);

} // namespace gantry::protocols::remoting
