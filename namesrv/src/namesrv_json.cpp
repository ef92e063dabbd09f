#include "namesrv_json.hpp"

#include <nlohmann/json.hpp>

namespace gantry::namesrv {

namespace {

using json = nlohmann::json; // std::map objects: keys come out sorted, as fastjson writes beans

// Names are the brokers' and operators' own text; keep invalid UTF-8 from failing the dump.
std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

json broker_addrs(const broker_data& broker) {
    json addrs = json::object();
    for (const auto& [id, addr] : broker.broker_addrs) addrs[std::to_string(id)] = addr;
    return addrs;
}

json broker_json(const broker_data& broker) {
    return {{"brokerAddrs", broker_addrs(broker)}, {"brokerName", broker.broker_name}, {"cluster", broker.cluster}};
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
    return dump(body);
}

std::string cluster_info_json(const cluster_info& info) {
    json brokers = json::object();
    for (const auto& [name, broker] : info.brokers) brokers[name] = broker_json(broker);
    json clusters = json::object();
    for (const auto& [cluster, names] : info.clusters) clusters[cluster] = names;
    return dump(json{{"brokerAddrTable", std::move(brokers)}, {"clusterAddrTable", std::move(clusters)}});
}

std::string topic_list_json(const std::vector<std::string>& topics) { return dump(json{{"topicList", topics}}); }

std::string kv_table_json(const kv_config::table& table) {
    json entries = json::object();
    for (const auto& [key, value] : table) entries[key] = value;
    return dump(json{{"table", std::move(entries)}});
}

} // namespace gantry::namesrv
