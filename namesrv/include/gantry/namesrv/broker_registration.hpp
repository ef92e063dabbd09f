#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gantry::namesrv {

// DataVersion: a broker bumps it whenever its topic set changes, so the name
// server rebuilds a broker's queue data only when it differs. 5.x adds
// stateVersion; 4.x brokers leave it 0.
struct data_version {
    std::int64_t counter = 0;
    std::int64_t timestamp = 0;
    std::int64_t state_version = 0;

    bool operator==(const data_version&) const = default;
};

enum class topic_filter_type { single_tag, multi_tag };

// TopicConfig as a broker reports it (Java's defaults).
struct topic_config {
    std::string topic_name;
    std::int32_t read_queue_nums = 16;
    std::int32_t write_queue_nums = 16;
    std::int32_t perm = 6;
    topic_filter_type filter_type = topic_filter_type::single_tag;
    std::int32_t topic_sys_flag = 0;
    bool order = false;

    bool operator==(const topic_config&) const = default;
};

// One REGISTER_BROKER: who the broker is (request header fields) and what it
// hosts (the body). gantryd fills one in to register itself, over the wire
// (make_register_broker_request) or in-process (name_server::register_broker).
struct broker_registration {
    std::string cluster_name;
    std::string broker_name;
    std::string broker_addr;    // "ip:port" clients send to
    std::int64_t broker_id = 0; // 0 = master, >0 = slave
    std::string ha_server_addr; // "ip:port" slaves replicate from
    data_version version;
    std::vector<topic_config> topics;
    std::vector<std::string> filter_servers; // legacy; always empty from 4.x brokers

    bool operator==(const broker_registration&) const = default;
};

} // namespace gantry::namesrv
