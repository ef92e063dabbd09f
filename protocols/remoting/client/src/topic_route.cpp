#include "gantry/protocols/remoting/client/topic_route.hpp"

namespace gantry::protocols::remoting::client {

std::vector<message_queue> write_queues(const topic_route& route, std::string_view topic) {
    std::vector<message_queue> out;
    for (const auto& q : route.queues) {
        if ((q.perm & perm_write) == 0 || !master_address(route, q.broker_name)) continue;
        for (std::int32_t i = 0; i < q.write_queue_nums; ++i) out.push_back({std::string(topic), q.broker_name, i});
    }
    return out;
}

std::vector<message_queue> read_queues(const topic_route& route, std::string_view topic) {
    std::vector<message_queue> out;
    for (const auto& q : route.queues) {
        if ((q.perm & perm_read) == 0) continue;
        for (std::int32_t i = 0; i < q.read_queue_nums; ++i) out.push_back({std::string(topic), q.broker_name, i});
    }
    return out;
}

std::optional<std::string> master_address(const topic_route& route, std::string_view broker_name) {
    for (const auto& b : route.brokers) {
        if (b.broker_name != broker_name) continue;
        const auto it = b.broker_addrs.find(0);
        if (it != b.broker_addrs.end()) return it->second;
    }
    return std::nullopt;
}

} // namespace gantry::protocols::remoting::client
