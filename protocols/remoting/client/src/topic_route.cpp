#include "gantry/protocols/remoting/client/topic_route.hpp"

#include <nlohmann/json.hpp>

#include "gantry/protocols/remoting/client/client_error.hpp"

namespace gantry::protocols::remoting::client {

namespace {

std::int32_t int_field(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end()) return 0;
    if (it->is_string()) return std::stoi(it->get<std::string>());
    return it->get<std::int32_t>();
}

} // namespace

std::vector<message_queue> topic_route::write_queues(std::string_view topic) const {
    std::vector<message_queue> out;
    for (const auto& q : queues) {
        if ((q.perm & perm_write) == 0 || !master_address(q.broker_name)) continue;
        for (std::int32_t i = 0; i < q.write_queue_nums; ++i) out.push_back({std::string(topic), q.broker_name, i});
    }
    return out;
}

std::vector<message_queue> topic_route::read_queues(std::string_view topic) const {
    std::vector<message_queue> out;
    for (const auto& q : queues) {
        if ((q.perm & perm_read) == 0) continue;
        for (std::int32_t i = 0; i < q.read_queue_nums; ++i) out.push_back({std::string(topic), q.broker_name, i});
    }
    return out;
}

std::optional<std::string> topic_route::master_address(std::string_view broker_name) const {
    for (const auto& b : brokers) {
        if (b.broker_name != broker_name) continue;
        const auto it = b.addresses.find(0);
        if (it != b.addresses.end()) return it->second;
    }
    return std::nullopt;
}

result<topic_route> parse_topic_route(std::string_view json) {
    try {
        const auto root = nlohmann::json::parse(json);
        topic_route route;
        const auto queues = root.value("queueDatas", nlohmann::json::array());
        const auto brokers = root.value("brokerDatas", nlohmann::json::array());
        for (const auto& q : queues) {
            route.queues.push_back({q.at("brokerName").get<std::string>(), int_field(q, "readQueueNums"),
                                    int_field(q, "writeQueueNums"), int_field(q, "perm"),
                                    int_field(q, "topicSysFlag")});
        }
        for (const auto& b : brokers) {
            topic_route::broker_data broker{b.value("cluster", ""), b.at("brokerName").get<std::string>(), {}};
            const auto addresses = b.value("brokerAddrs", nlohmann::json::object());
            for (const auto& [id, address] : addresses.items())
                broker.addresses.emplace(std::stoll(id), address.get<std::string>());
            route.brokers.push_back(std::move(broker));
        }
        return route;
    } catch (const std::exception&) {
        return client_errc::malformed_response;
    }
}

} // namespace gantry::protocols::remoting::client
