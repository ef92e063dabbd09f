#include <nlohmann/json.hpp>

#include "gantry/protocols/remoting/json_fields.hpp"
#include "gantry/protocols/remoting/remoting_error.hpp"
#include "gantry/protocols/remoting/route_data.hpp"

namespace gantry::protocols::remoting {

namespace {

using json = nlohmann::json; // std::map objects: keys come out sorted, as fastjson writes beans
using json_fields::to_body_text;

json broker_addrs(const broker_data& broker) {
    json addrs = json::object();
    for (const auto& [id, addr] : broker.broker_addrs) addrs[std::to_string(id)] = addr;
    return addrs;
}

json broker_json(const broker_data& broker) {
    return {{"brokerAddrs", broker_addrs(broker)}, {"brokerName", broker.broker_name}, {"cluster", broker.cluster}};
}

// fastjson writes numbers; lenient writers send them as strings.
std::int32_t int_field(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end()) return 0;
    if (it->is_string()) return std::stoi(it->get<std::string>());
    return it->get<std::int32_t>();
}

broker_data read_broker(const json& b, std::string name) {
    broker_data broker{b.value("cluster", ""), std::move(name), {}};
    const auto addresses = b.value("brokerAddrs", json::object());
    for (const auto& [id, address] : addresses.items()) broker.broker_addrs.emplace(std::stoll(id), address.get<std::string>());
    return broker;
}

} // namespace

std::string topic_route_json(const topic_route& route) {
    json brokers = json::array();
    for (const auto& broker : route.brokers) {
        auto entry = broker_json(broker);
        entry["enableActingMaster"] = false;
        brokers.push_back(std::move(entry));
    }
    json queues = json::array();
    for (const auto& queue : route.queues) {
        queues.push_back({{"brokerName", queue.broker_name},
                          {"perm", queue.perm},
                          {"readQueueNums", queue.read_queue_nums},
                          {"topicSysFlag", queue.topic_sys_flag},
                          {"writeQueueNums", queue.write_queue_nums}});
    }
    json body = {{"brokerDatas", std::move(brokers)},
                 {"filterServerTable", json::object()},
                 {"queueDatas", std::move(queues)}};
    if (route.order_topic_conf) body["orderTopicConf"] = *route.order_topic_conf;
    return to_body_text(body);
}

std::string cluster_info_json(const cluster_info& info) {
    json brokers = json::object();
    for (const auto& [name, broker] : info.brokers) brokers[name] = broker_json(broker);
    json clusters = json::object();
    for (const auto& [cluster, names] : info.clusters) clusters[cluster] = names;
    return to_body_text(json{{"brokerAddrTable", std::move(brokers)}, {"clusterAddrTable", std::move(clusters)}});
}

result<topic_route> parse_topic_route(std::string_view text) {
    try {
        const auto root = json::parse(text);
        topic_route route;
        const auto queues = root.value("queueDatas", json::array());
        const auto brokers = root.value("brokerDatas", json::array());
        for (const auto& q : queues) {
            route.queues.push_back({q.at("brokerName").get<std::string>(), int_field(q, "readQueueNums"),
                                    int_field(q, "writeQueueNums"), int_field(q, "perm"),
                                    int_field(q, "topicSysFlag")});
        }
        for (const auto& b : brokers) route.brokers.push_back(read_broker(b, b.at("brokerName").get<std::string>()));
        if (const auto it = root.find("orderTopicConf"); it != root.end() && it->is_string())
            route.order_topic_conf = it->get<std::string>();
        return route;
    } catch (const std::exception&) {
        return remoting_errc::malformed_body;
    }
}

result<cluster_info> parse_cluster_info(std::string_view text) {
    try {
        const auto root = json::parse(text);
        cluster_info info;
        const auto table = root.value("brokerAddrTable", json::object());
        for (const auto& [name, b] : table.items()) info.brokers.emplace(name, read_broker(b, name));
        const auto clusters = root.value("clusterAddrTable", json::object());
        for (const auto& [cluster, names] : clusters.items())
            info.clusters.emplace(cluster, names.get<std::set<std::string>>());
        return info;
    } catch (const std::exception&) {
        return remoting_errc::malformed_body;
    }
}

} // namespace gantry::protocols::remoting
