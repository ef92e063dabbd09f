#include "gantry/protocols/remoting/subscription_group_body.hpp"

#include <string_view>

#include <nlohmann/json.hpp>

#include "gantry/protocols/remoting/json_fields.hpp"
#include "gantry/protocols/remoting/remoting_error.hpp"

namespace gantry::protocols::remoting {

namespace {

using json = nlohmann::json; // std::map objects: keys come out sorted, as fastjson writes beans
using json_fields::as_bool;
using json_fields::as_int;
using json_fields::as_long;
using json_fields::read_optional;
using json_fields::to_body_text;

json config_json(const engine::group_config& c) {
    return {{"brokerId", c.broker_id},
            {"consumeBroadcastEnable", c.consume_broadcast_enable},
            {"consumeEnable", c.consume_enable},
            {"consumeFromMinEnable", c.consume_from_min_enable},
            {"groupName", c.group_name},
            {"notifyConsumerIdsChangedEnable", c.notify_consumer_ids_changed_enable},
            {"retryMaxTimes", c.retry_max_times},
            {"retryQueueNums", c.retry_queue_nums},
            {"whichBrokerWhenConsumeSlowly", c.which_broker_when_consume_slowly}};
}

std::optional<std::string> as_text(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number() || value.is_boolean()) return value.dump(); // fastjson converts
    return std::nullopt;
}

bool read_config(const json& object, engine::group_config& out) {
    return object.is_object() && read_optional(object, "groupName", out.group_name, as_text) &&
           read_optional(object, "consumeEnable", out.consume_enable, as_bool) &&
           read_optional(object, "consumeFromMinEnable", out.consume_from_min_enable, as_bool) &&
           read_optional(object, "consumeBroadcastEnable", out.consume_broadcast_enable, as_bool) &&
           read_optional(object, "retryQueueNums", out.retry_queue_nums, as_int) &&
           read_optional(object, "retryMaxTimes", out.retry_max_times, as_int) &&
           read_optional(object, "brokerId", out.broker_id, as_long) &&
           read_optional(object, "whichBrokerWhenConsumeSlowly", out.which_broker_when_consume_slowly, as_long) &&
           read_optional(object, "notifyConsumerIdsChangedEnable", out.notify_consumer_ids_changed_enable, as_bool);
}

json parse_body(std::span<const std::byte> body) {
    const std::string_view text(reinterpret_cast<const char*>(body.data()), body.size());
    return json::parse(text, nullptr, false);
}

} // namespace

std::string subscription_group_config_json(const engine::group_config& config) {
    return to_body_text(config_json(config));
}

std::string subscription_group_wrapper_json(const subscription_group_wrapper& wrapper) {
    json table = json::object();
    for (const auto& row : wrapper.groups) {
        auto entry = config_json(row.config);
        if (row.online_consumers) entry["onlineConsumers"] = *row.online_consumers;
        if (row.durable) entry["durable"] = *row.durable;
        table[row.config.group_name] = std::move(entry);
    }
    return to_body_text(
        {{"dataVersion", {{"counter", wrapper.version_counter}, {"timestamp", wrapper.version_timestamp_ms}}},
         {"subscriptionGroupTable", std::move(table)}});
}

result<engine::group_config> parse_subscription_group_config(std::span<const std::byte> body) {
    const auto document = parse_body(body);
    engine::group_config config;
    if (!read_config(document, config) || config.group_name.empty()) return remoting_errc::malformed_body;
    return config;
}

result<subscription_group_wrapper> parse_subscription_group_wrapper(std::span<const std::byte> body) {
    const auto document = parse_body(body);
    if (!document.is_object()) return remoting_errc::malformed_body;
    subscription_group_wrapper out;
    if (const auto version = document.find("dataVersion"); version != document.end() && !version->is_null()) {
        if (!version->is_object() || !read_optional(*version, "counter", out.version_counter, as_long) ||
            !read_optional(*version, "timestamp", out.version_timestamp_ms, as_long))
            return remoting_errc::malformed_body;
    }
    const auto table = document.find("subscriptionGroupTable");
    if (table == document.end() || table->is_null()) return out;
    if (!table->is_object()) return remoting_errc::malformed_body;
    for (const auto& [name, entry] : table->items()) {
        subscription_group_row row;
        row.config.group_name = name;
        if (!read_config(entry, row.config) ||
            !read_optional(entry, "onlineConsumers", row.online_consumers, as_int) ||
            !read_optional(entry, "durable", row.durable, as_bool))
            return remoting_errc::malformed_body;
        out.groups.push_back(std::move(row));
    }
    return out;
}

} // namespace gantry::protocols::remoting
