#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/engine/result.hpp"

namespace gantry::protocols::remoting::client {

// One queue of a topic on one broker (Java's MessageQueue).
struct message_queue {
    std::string topic;
    std::string broker_name;
    std::int32_t queue_id = 0;

    auto operator<=>(const message_queue&) const = default;
};

// A topic's route as a name server describes it (TopicRouteData, spec 4.3).
struct topic_route {
    struct queue_data {
        std::string broker_name;
        std::int32_t read_queue_nums = 0;
        std::int32_t write_queue_nums = 0;
        std::int32_t perm = 0;
        std::int32_t topic_sys_flag = 0;
    };
    struct broker_data {
        std::string cluster;
        std::string broker_name;
        std::map<std::int64_t, std::string> addresses; // broker id → "ip:port"; 0 is the master
    };

    std::vector<queue_data> queues;
    std::vector<broker_data> brokers;

    // Queues producers may send to: writable, on a broker with a master.
    std::vector<message_queue> write_queues(std::string_view topic) const;
    // Queues consumers read: readable ones.
    std::vector<message_queue> read_queues(std::string_view topic) const;
    std::optional<std::string> master_address(std::string_view broker_name) const;
};

inline constexpr std::int32_t perm_write = 0x2;
inline constexpr std::int32_t perm_read = 0x4;

// Parses a TopicRouteData body (quoted or bare numeric brokerAddrs keys are
// both written by RocketMQ name servers; only the quoted form is standard
// JSON, and it is the one Gantry's name servers send).
result<topic_route> parse_topic_route(std::string_view json);

} // namespace gantry::protocols::remoting::client
