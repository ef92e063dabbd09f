#include "gantry/protocols/mqtt/mqtt_mapping.hpp"

#include <algorithm>
#include <charconv>

#include "gantry/core/core_error.hpp"
#include "gantry/store/store_error.hpp"
#include "byte_text.hpp"
#include "gantry/protocols/mqtt/mqtt_utf8.hpp"
#include "gantry/protocols/naming/hex_text.hpp"

namespace gantry::protocols::mqtt {

using naming::from_hex;
using naming::to_hex;

namespace {

// The record format reserves 0x00..0x02 (docs/message-model.md).
bool storable(std::string_view text) {
    return std::none_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) <= 2; });
}

// A user property naming an engine field (field_property) sets that field;
// false when it is none or its value does not fit, so it stays a property.
bool take_field_property(const user_property& p, engine::message& msg) {
    if (p.name == field_property::priority) {
        int priority = -1;
        const auto* end = p.value.data() + p.value.size();
        const auto [at, ec] = std::from_chars(p.value.data(), end, priority);
        if (ec != std::errc{} || at != end || priority < 0 || priority > 9) return false;
        msg.priority = priority;
        return true;
    }
    if (p.name == field_property::durable) {
        if (p.value != "true" && p.value != "false") return false;
        msg.durable = p.value == "true";
        return true;
    }
    if (p.name == field_property::type && storable(p.value)) {
        msg.type = p.value;
        return true;
    }
    return false;
}

} // namespace

std::string shared_group_name(std::string_view share_name, std::string_view filter) {
    return naming::group_name("MQTT_SHARE", {share_name, filter});
}

result<engine_filter> to_engine_filter(std::string_view mqtt_filter) {
    const auto slash = mqtt_filter.find('/');
    const auto first = mqtt_filter.substr(0, slash);
    engine_filter filter;
    if (first == "+" || first == "#") {
        filter.every_topic = true;
        // "#" takes every name, the one-level ones too: as "a/#" takes "a".
        if (first == "#") filter.remainder = "#";
        else if (slash != std::string_view::npos) filter.remainder = mqtt_filter.substr(slash + 1);
        filter.retained = mqtt_filter;
        return filter;
    }
    auto topic = naming::engine_topic_of(first);
    if (!topic) return topic.error();
    filter.retained = *topic;
    if (slash != std::string_view::npos) {
        filter.remainder = std::string(mqtt_filter.substr(slash + 1));
        filter.retained += mqtt_filter.substr(slash);
    }
    filter.topic = std::move(*topic);
    return filter;
}

engine::message to_engine_message(publish_packet publish, const engine_address& address,
                                  std::string_view client_id, std::int64_t now_ms) {
    engine::message msg;
    msg.topic = address.topic;
    msg.tag = address.tag;
    msg.body = std::move(publish.payload);
    msg.born_time_ms = now_ms;
    const auto& props = publish.properties;
    if (props.message_expiry_interval)
        msg.expires_at_ms = now_ms + static_cast<std::int64_t>(*props.message_expiry_interval) * 1000;
    if (props.content_type) msg.content_type = *props.content_type;
    if (props.response_topic) msg.reply_to = *props.response_topic;
    auto& out = msg.properties;
    out.reserve(4 + props.user_properties.size()); // what follows adds, in one allocation
    if (props.correlation_data) {
        auto data = to_text(*props.correlation_data);
        if (storable(data) && !data.empty()) msg.correlation_id = std::move(data);
        else out.emplace_back(mqtt_property::correlation_hex, to_hex(data));
    }
    out.emplace_back(mqtt_property::qos, std::to_string(publish.qos));
    if (!client_id.empty()) out.emplace_back(mqtt_property::client_id, client_id);
    if (publish.retain) out.emplace_back(mqtt_property::retain, "1");
    if (address.trailing_level) out.emplace_back(mqtt_property::trailing_level, "1");
    if (props.payload_format_indicator)
        out.emplace_back(mqtt_property::payload_format, std::to_string(*props.payload_format_indicator));
    for (const auto& p : props.user_properties) {
        if (take_field_property(p, msg)) continue;
        if (p.name.starts_with("mqtt.")) out.emplace_back(std::string(mqtt_property::user_prefix) + p.name, p.value);
        else out.emplace_back(p.name, p.value);
    }
    return msg;
}

bool published_with_retain(const engine::message& msg) noexcept {
    return std::any_of(msg.properties.begin(), msg.properties.end(),
                       [](const auto& p) { return p.first == mqtt_property::retain && p.second == "1"; });
}

namespace {

std::string_view property_value(const engine::message& msg, std::string_view name) noexcept {
    const auto it = std::find_if(msg.properties.begin(), msg.properties.end(),
                                 [&](const auto& p) { return p.first == name; });
    return it == msg.properties.end() ? std::string_view{} : std::string_view{it->second};
}

std::uint8_t qos_of(std::string_view value) noexcept {
    int qos = 1;
    std::from_chars(value.data(), value.data() + value.size(), qos);
    return static_cast<std::uint8_t>(std::clamp(qos, 0, 2));
}

} // namespace

std::uint8_t published_qos(const engine::message& msg) noexcept {
    return qos_of(property_value(msg, mqtt_property::qos));
}

std::string_view published_by(const engine::message& msg) noexcept {
    return property_value(msg, mqtt_property::client_id);
}

outbound_message from_engine_message(const engine::message& msg, std::int64_t now_ms) {
    outbound_message out;
    auto& publish = out.publish;
    publish.topic = naming::to_hierarchical_name(msg);
    publish.payload = msg.body;
    auto& props = publish.properties;
    if (msg.expires_at_ms > 0) {
        const auto left = std::max<std::int64_t>(1, (msg.expires_at_ms - now_ms + 999) / 1000);
        props.message_expiry_interval = static_cast<std::uint32_t>(std::min<std::int64_t>(left, UINT32_MAX));
    }
    if (!msg.content_type.empty()) props.content_type = msg.content_type;
    if (!msg.reply_to.empty()) props.response_topic = msg.reply_to;
    if (!msg.correlation_id.empty()) props.correlation_data = to_bytes(msg.correlation_id);
    for (const auto& [name, value] : msg.properties) {
        if (name == mqtt_property::qos) {
            out.qos = qos_of(value);
        } else if (name == mqtt_property::payload_format) {
            props.payload_format_indicator = value == "1" ? 1 : 0;
        } else if (name == mqtt_property::correlation_hex) {
            if (auto data = from_hex(value)) props.correlation_data = to_bytes(*data);
        } else if (name == mqtt_property::retain) {
            out.retain = value == "1";
        } else if (name == mqtt_property::trailing_level || name == naming::bridge_hop_property ||
                   name == mqtt_property::client_id) {
            // Part of the topic (to_hierarchical_name), the broker's own, or
            // read in place (published_by).
        } else if (name.starts_with(mqtt_property::user_prefix)) {
            props.user_properties.push_back({name.substr(mqtt_property::user_prefix.size()), value});
        } else {
            props.user_properties.push_back({name, value});
        }
    }
    if (msg.priority != engine::message::unset_priority)
        props.user_properties.push_back({std::string(field_property::priority), std::to_string(msg.priority)});
    if (!msg.durable) props.user_properties.push_back({std::string(field_property::durable), "false"});
    if (!msg.type.empty()) props.user_properties.push_back({std::string(field_property::type), msg.type});
    return out;
}

std::string_view drop_false_payload_format(properties& props, std::span<const std::byte> payload) noexcept {
    if (props.payload_format_indicator != 1) return {};
    const auto problem = utf8_payload_problem(payload);
    if (!problem.empty()) props.payload_format_indicator.reset();
    return problem;
}

reason_code append_failure_reason(std::error_code error) noexcept {
    if (error == store::store_errc::disk_full) return reason_code::quota_exceeded;
    if (error == core::core_errc::no_permission) return reason_code::not_authorized;
    if (error == core::core_errc::invalid_property || error == core::core_errc::properties_too_long ||
        error == store::store_errc::message_too_large)
        return reason_code::implementation_specific_error;
    if (error == naming::naming_errc::topic_too_long || error == naming::naming_errc::reserved_topic ||
        error == core::core_errc::invalid_topic_name) // a retained topic past the engine's 1024 levels
        return reason_code::topic_name_invalid;
    return reason_code::unspecified_error;
}

} // namespace gantry::protocols::mqtt
