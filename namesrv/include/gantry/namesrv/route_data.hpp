#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

// What the route table answers with (spec 4.3, 4.4), before it becomes JSON.
namespace gantry::namesrv {

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

} // namespace gantry::namesrv
