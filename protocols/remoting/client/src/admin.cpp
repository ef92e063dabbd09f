#include "gantry/protocols/remoting/client/admin.hpp"

#include <nlohmann/json.hpp>

#include "broker_call.hpp"
#include "gantry/protocols/remoting/client/client_error.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "gantry/store/message_id.hpp"
#include "message_encoding.hpp"
#include "request.hpp"

namespace gantry::protocols::remoting::client {

namespace {

std::string_view body_text(const remoting_command& response) {
    return {reinterpret_cast<const char*>(response.body.data()), response.body.size()};
}

} // namespace

result<remoting_command> admin::call(const std::string& address, remoting_command request) {
    return wait_for<remoting_command>(runtime_, [&](client_runtime::response_handler done) {
        runtime_.invoke(address, std::move(request), std::move(done));
    });
}

result<cluster_info> admin::cluster() {
    auto response = expect_success(wait_for<remoting_command>(runtime_, [&](client_runtime::response_handler done) {
        runtime_.invoke_name_server(make_request(request_code::get_broker_cluster_info), std::move(done));
    }));
    if (!response) return response.error();
    return parse_cluster_info(body_text(*response));
}

result<std::vector<std::string>> admin::topics() {
    auto response = expect_success(wait_for<remoting_command>(runtime_, [&](client_runtime::response_handler done) {
        runtime_.invoke_name_server(make_request(request_code::get_all_topic_list_from_nameserver), std::move(done));
    }));
    if (!response) return response.error();
    try {
        return nlohmann::json::parse(body_text(*response)).at("topicList").get<std::vector<std::string>>();
    } catch (const std::exception&) {
        return client_errc::malformed_response;
    }
}

result<std::size_t> admin::create_topic(const topic_settings& topic, const std::string& cluster_name) {
    const auto info = cluster();
    if (!info) return info.error();
    std::size_t created = 0;
    for (const auto& [name, broker] : info->brokers) {
        const auto master = broker.broker_addrs.find(0);
        if ((!cluster_name.empty() && broker.cluster != cluster_name) || master == broker.broker_addrs.end()) continue;
        auto request = make_request(request_code::update_and_create_topic);
        request.set_ext("topic", topic.name);
        request.set_ext("defaultTopic", "TBW102");
        request.set_ext("readQueueNums", std::to_string(topic.read_queue_nums));
        request.set_ext("writeQueueNums", std::to_string(topic.write_queue_nums));
        request.set_ext("perm", std::to_string(topic.perm));
        request.set_ext("topicFilterType", "SINGLE_TAG");
        request.set_ext("topicSysFlag", "0");
        request.set_ext("order", topic.order ? "true" : "false");
        const auto response = expect_success(call(master->second, std::move(request)));
        if (!response) return response.error();
        ++created;
    }
    if (created == 0) return client_errc::no_route;
    return created;
}

result<topic_route> admin::route(const std::string& topic) {
    auto route = wait_for<std::shared_ptr<const topic_route>>(runtime_, [&](auto done) {
        runtime_.route(topic, std::move(done), true);
    });
    if (!route) return route.error();
    return **route;
}

result<std::map<std::string, std::string>> admin::runtime_info(const std::string& address) {
    const auto response = expect_success(call(address, make_request(request_code::get_broker_runtime_info)));
    if (!response) return response.error();
    try {
        return nlohmann::json::parse(body_text(*response)).at("table").get<std::map<std::string, std::string>>();
    } catch (const std::exception&) {
        return client_errc::malformed_response;
    }
}

result<received_message> admin::message_by_offset_id(const std::string& offset_msg_id) {
    const auto id = store::decode_offset_message_id(offset_msg_id);
    if (!id) return client_errc::bad_message_id;
    auto request = make_request(request_code::view_message_by_id);
    request.set_ext("offset", std::to_string(id->physical_offset));
    const auto response = expect_success(call(id->store_host.to_string(), std::move(request)));
    if (!response) return response.error();
    auto messages = decode_records(response->body, {});
    if (!messages) return messages.error();
    if (messages->size() != 1) return client_errc::malformed_response;
    return std::move(messages->front());
}

result<std::vector<received_message>> admin::query_by_key(const std::string& topic, const std::string& key,
                                                          std::int32_t max, std::int64_t begin_ms,
                                                          std::int64_t end_ms, bool unique_key) {
    const auto found = route(topic);
    if (!found) return found.error();
    std::vector<received_message> out;
    for (const auto& broker : found->brokers) {
        const auto master = broker.broker_addrs.find(0);
        if (master == broker.broker_addrs.end()) continue;
        auto request = make_request(request_code::query_message);
        request.set_ext("topic", topic);
        request.set_ext("key", key);
        request.set_ext("maxNum", std::to_string(max));
        request.set_ext("beginTimestamp", std::to_string(begin_ms));
        request.set_ext("endTimestamp", std::to_string(end_ms));
        if (unique_key) request.set_ext("_UNIQUE_KEY_QUERY", "true");
        const auto response = call(master->second, std::move(request));
        if (!response) return response.error();
        if (response->code == response_code::query_not_found) continue;
        if (response->code != response_code::success) return response_error(response->code);
        auto messages = decode_records(response->body, broker.broker_name);
        if (!messages) return messages.error();
        out.insert(out.end(), std::make_move_iterator(messages->begin()), std::make_move_iterator(messages->end()));
    }
    return out;
}

} // namespace gantry::protocols::remoting::client
