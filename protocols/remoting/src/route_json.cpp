#include "route_json.hpp"

#include <nlohmann/json.hpp>

namespace gantry::protocols::remoting {

namespace {

using json = nlohmann::json; // std::map objects: keys come out sorted, as fastjson writes beans

// Client ids are the clients' own text; keep invalid UTF-8 from failing the dump.
std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

json broker_addrs(const broker_identity& identity) { return json{{"0", identity.store_host}}; }

} // namespace

std::string topic_route_json(const engine::topic_info& topic, const broker_identity& identity) {
    const json broker = {{"brokerAddrs", broker_addrs(identity)},
                         {"brokerName", identity.broker_name},
                         {"cluster", identity.cluster},
                         {"enableActingMaster", false}};
    const json queue = {{"brokerName", identity.broker_name},
                        {"perm", topic.perm},
                        {"readQueueNums", topic.read_queue_nums},
                        {"topicSysFlag", topic.topic_sys_flag},
                        {"writeQueueNums", topic.write_queue_nums}};
    return dump(json{{"brokerDatas", json::array({broker})},
                     {"filterServerTable", json::object()},
                     {"queueDatas", json::array({queue})}});
}

std::string cluster_info_json(const broker_identity& identity) {
    const json broker = {{"brokerAddrs", broker_addrs(identity)},
                         {"brokerName", identity.broker_name},
                         {"cluster", identity.cluster}};
    return dump(json{{"brokerAddrTable", json{{identity.broker_name, broker}}},
                     {"clusterAddrTable", json{{identity.cluster, json::array({identity.broker_name})}}}});
}

std::string topic_list_json(const std::vector<std::string>& topics) { return dump(json{{"topicList", topics}}); }

std::string consumer_list_json(const std::vector<std::string>& client_ids) {
    return dump(json{{"consumerIdList", client_ids}});
}

} // namespace gantry::protocols::remoting
