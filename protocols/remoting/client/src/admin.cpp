#include "gantry/protocols/remoting/client/admin.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "broker_call.hpp"
#include "group_bodies.hpp"
#include "gantry/protocols/remoting/client/client_error.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "gantry/protocols/remoting/reset_offset_body.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "gantry/protocols/remoting/subscription_group_body.hpp"
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

result<remoting_command> admin::call_expecting_success(const std::string& address, remoting_command request) {
    auto response = call(address, std::move(request));
    if (response && response->code != response_code::success) remark_ = response->remark.value_or("");
    return expect_success(std::move(response));
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
    const auto brokers = masters(cluster_name);
    if (!brokers) return brokers.error();
    std::size_t created = 0;
    for (const auto& [name, address] : *brokers) {
        auto request = make_request(request_code::update_and_create_topic);
        request.set_ext("topic", topic.name);
        request.set_ext("defaultTopic", "TBW102");
        request.set_ext("readQueueNums", std::to_string(topic.read_queue_nums));
        request.set_ext("writeQueueNums", std::to_string(topic.write_queue_nums));
        request.set_ext("perm", std::to_string(topic.perm));
        request.set_ext("topicFilterType", "SINGLE_TAG");
        request.set_ext("topicSysFlag", "0");
        request.set_ext("order", topic.order ? "true" : "false");
        const auto response = expect_success(call(address, std::move(request)));
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

result<topic_deletion> admin::delete_topic(const std::string& topic) {
    const auto found = route(topic);
    if (!found) return found.error();
    topic_deletion done;
    for (const auto& broker : found->brokers) {
        const auto master = broker.broker_addrs.find(0);
        if (master == broker.broker_addrs.end()) continue;
        auto request = make_request(request_code::delete_topic_in_broker);
        request.set_ext("topic", topic);
        const auto response = call_expecting_success(master->second, std::move(request));
        if (!response) return response.error();
        ++done.brokers;
    }
    // Every name server must forget it, not just the first that answers; one
    // that is not running (the default list names two) is skipped.
    std::error_code last_failure = client_errc::no_route;
    for (const auto& address : runtime_.options().name_servers) {
        auto request = make_request(request_code::delete_topic_in_namesrv);
        request.set_ext("topic", topic);
        const auto response = call_expecting_success(address, std::move(request));
        if (response) ++done.name_servers;
        else last_failure = response.error();
    }
    if (done.name_servers == 0) return last_failure;
    return done;
}

result<std::map<std::string, std::string>> admin::masters(const std::string& cluster_name) {
    const auto info = cluster();
    if (!info) return info.error();
    std::map<std::string, std::string> out;
    for (const auto& [name, broker] : info->brokers) {
        if (!cluster_name.empty() && broker.cluster != cluster_name) continue;
        if (const auto master = broker.broker_addrs.find(0); master != broker.broker_addrs.end())
            out.emplace(name, master->second);
    }
    return out;
}

result<std::vector<group_summary>> admin::groups_of(const std::string& broker_name, const std::string& address) {
    const auto response = call_expecting_success(address, make_request(request_code::get_all_subscriptiongroup_config));
    if (!response) return response.error();
    const auto wrapper = parse_subscription_group_wrapper(response->body);
    if (!wrapper) return client_errc::malformed_response;
    std::vector<group_summary> out;
    for (const auto& row : wrapper->groups)
        // onlineConsumers and durable are Gantry's own fields; a RocketMQ broker does not send them.
        out.push_back({broker_name, row.config.group_name, row.online_consumers.value_or(-1), row.durable.value_or(true),
                       row.config});
    return out;
}

result<std::vector<group_summary>> admin::groups() {
    const auto brokers = masters();
    if (!brokers) return brokers.error();
    std::vector<group_summary> out;
    for (const auto& [name, address] : *brokers) {
        auto found = groups_of(name, address);
        if (!found) return found.error();
        out.insert(out.end(), std::make_move_iterator(found->begin()), std::make_move_iterator(found->end()));
    }
    return out;
}

result<std::size_t> admin::delete_group(const std::string& group) {
    const auto brokers = masters();
    if (!brokers) return brokers.error();
    std::size_t deleted = 0;
    for (const auto& [name, address] : *brokers) {
        const auto listed = groups_of(name, address);
        if (!listed) return listed.error();
        const bool here = std::any_of(listed->begin(), listed->end(), [&](const auto& g) { return g.group == group; });
        if (!here) continue;
        auto request = make_request(request_code::delete_subscriptiongroup);
        request.set_ext("groupName", group);
        const auto response = call_expecting_success(address, std::move(request));
        if (!response) return response.error();
        ++deleted;
    }
    if (deleted == 0) {
        remark_ = "no broker knows consumer group " + group;
        return response_error(response_code::subscription_group_not_exist);
    }
    return deleted;
}

group_config group_settings_change::applied_to(group_config base) const {
    const auto apply = [](auto& field, const auto& value) {
        if (value) field = *value;
    };
    apply(base.consume_enable, consume_enable);
    apply(base.consume_from_min_enable, consume_from_min_enable);
    apply(base.consume_broadcast_enable, consume_broadcast_enable);
    apply(base.retry_queue_nums, retry_queue_nums);
    apply(base.retry_max_times, retry_max_times);
    apply(base.broker_id, broker_id);
    apply(base.which_broker_when_consume_slowly, which_broker_when_consume_slowly);
    apply(base.notify_consumer_ids_changed_enable, notify_consumer_ids_changed_enable);
    return base;
}

result<std::map<std::string, group_config>> admin::update_group(const std::string& group,
                                                                const group_settings_change& change,
                                                                const std::string& cluster_name) {
    const auto brokers = masters(cluster_name);
    if (!brokers) return brokers.error();
    std::map<std::string, group_config> out;
    for (const auto& [name, address] : *brokers) {
        const auto listed = groups_of(name, address);
        if (!listed) return listed.error();
        group_config current;
        current.group_name = group;
        for (const auto& g : *listed)
            if (g.group == group) current = g.settings;
        const auto updated = change.applied_to(std::move(current));
        auto request = make_request(request_code::update_and_create_subscriptiongroup);
        set_body(request, subscription_group_config_json(updated));
        const auto response = call_expecting_success(address, std::move(request));
        if (!response) return response.error();
        out.emplace(name, updated);
    }
    if (out.empty()) return client_errc::no_route;
    return out;
}

result<std::map<message_queue, std::int64_t>> admin::reset_offsets_online(const std::string& topic,
                                                                          const std::string& group,
                                                                          std::int64_t timestamp_ms, bool force) {
    const auto found = route(topic);
    if (!found) return found.error();
    std::map<message_queue, std::int64_t> out;
    for (const auto& broker : found->brokers) {
        const auto master = broker.broker_addrs.find(0);
        if (master == broker.broker_addrs.end()) continue;
        auto request = make_request(request_code::invoke_broker_to_reset_offset);
        request.set_ext("topic", topic);
        request.set_ext("group", group);
        request.set_ext("timestamp", std::to_string(timestamp_ms));
        request.set_ext("isForce", force ? "true" : "false");
        const auto response = call_expecting_success(master->second, std::move(request));
        if (!response) return response.error();
        const auto offsets = parse_reset_offset_body(response->body);
        if (!offsets) return client_errc::malformed_response;
        for (const auto& q : *offsets) out[{q.topic, q.broker_name, q.queue_id}] = q.offset;
    }
    if (out.empty()) return client_errc::no_route;
    return out;
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
