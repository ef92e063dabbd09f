#include "group_bodies.hpp"

#include <nlohmann/json.hpp>

#include "gantry/protocols/remoting/client/client_error.hpp"

namespace gantry::protocols::remoting::client {

namespace {

nlohmann::json parse(std::span<const std::byte> body) {
    const auto* first = reinterpret_cast<const char*>(body.data());
    return nlohmann::json::parse(first, first + body.size(), nullptr, false);
}

} // namespace

std::string lock_batch_json(const std::string& client_id, const std::string& group,
                            const std::vector<message_queue>& queues) {
    auto set = nlohmann::json::array();
    for (const auto& q : queues) set.push_back({{"brokerName", q.broker_name}, {"queueId", q.queue_id}, {"topic", q.topic}});
    return nlohmann::json{{"clientId", client_id}, {"consumerGroup", group}, {"mqSet", set}}.dump();
}

result<std::set<message_queue>> parse_lock_ok(std::span<const std::byte> body) {
    const auto root = parse(body);
    if (root.is_discarded() || !root.is_object()) return client_errc::malformed_response;
    std::set<message_queue> out;
    try {
        for (const auto& q : root.value("lockOKMQSet", nlohmann::json::array())) {
            const auto& id = q.at("queueId");
            out.insert({q.at("topic").get<std::string>(), q.at("brokerName").get<std::string>(),
                        id.is_string() ? std::stoi(id.get<std::string>()) : id.get<std::int32_t>()});
        }
    } catch (const std::exception&) {
        return client_errc::malformed_response;
    }
    return out;
}

result<std::vector<std::string>> parse_consumer_list(std::span<const std::byte> body) {
    const auto root = parse(body);
    try {
        return root.at("consumerIdList").get<std::vector<std::string>>();
    } catch (const std::exception&) {
        return client_errc::malformed_response;
    }
}

void set_body(remoting_command& command, const std::string& text) {
    const auto* first = reinterpret_cast<const std::byte*>(text.data());
    command.body.assign(first, first + text.size());
}

} // namespace gantry::protocols::remoting::client
