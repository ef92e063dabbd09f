#include "heartbeat_data.hpp"

#include <array>
#include <charconv>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "json_members.hpp"

namespace gantry::protocols::remoting {

namespace {

using json = nlohmann::json;
using json_members::member;
using json_members::shape_error;
using json_members::text;

std::optional<std::int64_t> to_integer(const json& value) {
    if (value.is_number_integer()) return value.get<std::int64_t>();
    if (value.is_number_float()) return static_cast<std::int64_t>(value.get<double>());
    if (!value.is_string()) return std::nullopt;
    // fastjson turns "123" into 123 (C++ sends subVersion, Go codeSet as strings).
    const auto& text = value.get_ref<const std::string&>();
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return n;
}

std::int64_t integer(const json& object, std::string_view key, std::int64_t fallback) {
    const auto* value = member(object, key);
    if (!value) return fallback;
    if (const auto n = to_integer(*value)) return *n;
    throw shape_error{};
}

const json* array(const json& object, std::string_view key) {
    const auto* value = member(object, key);
    if (value && !value->is_array()) throw shape_error{};
    return value;
}

// An enum as its name (Java, Go, JavaScript) or its ordinal (C++); an unknown
// name or ordinal keeps the default, as fastjson reads it as null.
template <typename E, std::size_t N>
E enumeration(const json& object, std::string_view key, const std::array<std::string_view, N>& names, E fallback) {
    const auto* value = member(object, key);
    if (!value) return fallback;
    if (value->is_string()) {
        const auto& name = value->get_ref<const std::string&>();
        for (std::size_t i = 0; i < N; ++i)
            if (name == names[i]) return static_cast<E>(i);
    }
    if (const auto n = to_integer(*value); n && *n >= 0 && static_cast<std::size_t>(*n) < N) return static_cast<E>(*n);
    if (!value->is_string() && !value->is_number()) throw shape_error{};
    return fallback;
}

constexpr std::array<std::string_view, 3> consume_type_names{"CONSUME_ACTIVELY", "CONSUME_PASSIVELY", "CONSUME_POP"};
constexpr std::array<std::string_view, 2> message_model_names{"BROADCASTING", "CLUSTERING"};
constexpr std::array<std::string_view, 6> consume_from_where_names{
    "CONSUME_FROM_LAST_OFFSET", "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST",
    "CONSUME_FROM_MIN_OFFSET",  "CONSUME_FROM_MAX_OFFSET",
    "CONSUME_FROM_FIRST_OFFSET", "CONSUME_FROM_TIMESTAMP"};

subscription_data read_subscription(const json& object) {
    if (!object.is_object()) throw shape_error{};
    subscription_data sub;
    sub.topic = text(object, "topic");
    sub.sub_string = text(object, "subString");
    sub.sub_version = integer(object, "subVersion", 0);
    sub.expression_type = text(object, "expressionType", "TAG");
    if (const auto* tags = array(object, "tagsSet"))
        for (const auto& tag : *tags) {
            if (!tag.is_string()) throw shape_error{};
            sub.tags_set.push_back(tag.get<std::string>());
        }
    if (const auto* codes = array(object, "codeSet"))
        for (const auto& code : *codes) {
            const auto n = to_integer(code);
            if (!n) throw shape_error{};
            sub.code_set.push_back(static_cast<std::int32_t>(*n));
        }
    return sub;
}

consumer_data read_consumer(const json& object) {
    if (!object.is_object()) throw shape_error{};
    consumer_data consumer;
    consumer.group_name = text(object, "groupName");
    consumer.type = enumeration(object, "consumeType", consume_type_names, consume_type::passively);
    consumer.model = enumeration(object, "messageModel", message_model_names, message_model::clustering);
    consumer.from_where =
        enumeration(object, "consumeFromWhere", consume_from_where_names, consume_from_where::last_offset);
    if (const auto* subs = array(object, "subscriptionDataSet"))
        for (const auto& sub : *subs) consumer.subscriptions.push_back(read_subscription(sub));
    return consumer;
}

} // namespace

result<heartbeat_data> parse_heartbeat_data(std::span<const std::byte> body) {
    // Java would fail on a missing body; a heartbeat that says nothing registers nothing.
    if (body.empty()) return heartbeat_data{};
    const auto* first = reinterpret_cast<const char*>(body.data());
    const auto parsed = json::parse(first, first + body.size(), nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return remoting_errc::malformed_body;
    try {
        heartbeat_data data;
        data.client_id = text(parsed, "clientID");
        if (const auto* producers = array(parsed, "producerDataSet"))
            for (const auto& producer : *producers) {
                if (!producer.is_object()) throw shape_error{};
                data.producer_groups.push_back(text(producer, "groupName"));
            }
        if (const auto* consumers = array(parsed, "consumerDataSet"))
            for (const auto& consumer : *consumers) data.consumers.push_back(read_consumer(consumer));
        return data;
    } catch (const shape_error&) {
        return remoting_errc::malformed_body;
    }
}

} // namespace gantry::protocols::remoting
