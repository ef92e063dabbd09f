#include "gantry/core/redelivery.hpp"

#include <charconv>

#include "gantry/core/topic_config.hpp"
#include "gantry/store/message_properties.hpp"

namespace gantry::core {

namespace {

std::int32_t to_int32(std::string_view s, std::int32_t fallback) {
    std::int32_t v = fallback;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc{} && end == s.data() + s.size() ? v : fallback;
}

// The record's properties without the ones a new copy sets afresh.
std::string carried_properties(std::string_view properties) {
    std::string out;
    store::for_each_property(properties, [&](std::string_view name, std::string_view value) {
        if (name == store::property::delay_level || name == store::property::real_topic ||
            name == store::property::real_queue_id || name == redelivery_property::retry_topic ||
            name == redelivery_property::origin_message_id || name == redelivery_property::origin_queue_id)
            return;
        store::append_property(out, name, value);
    });
    return out;
}

redelivered_record copy_to(const store::decoded_record& record, std::string topic, std::string properties,
                           std::int32_t reconsume_times) {
    redelivered_record out{std::move(topic), std::move(properties), {}};
    auto& m = out.msg;
    m.topic = out.topic;
    m.queue_id = 0;
    m.flag = record.flag;
    m.body = record.body;
    m.properties = out.properties;
    m.sys_flag = record.sys_flag & ~store::sys_flag::transaction_mask;
    m.born_timestamp = record.born_timestamp;
    m.born_host = record.born_host;
    m.reconsume_times = reconsume_times;
    return out;
}

} // namespace

message_origin origin_of(const store::decoded_record& record, std::string_view offset_message_id) {
    message_origin o{std::string(record.topic), std::string(offset_message_id), record.queue_id};
    std::string_view unique_key;
    store::for_each_property(record.properties, [&](std::string_view name, std::string_view value) {
        if (name == redelivery_property::retry_topic) o.topic = value;
        else if (name == redelivery_property::origin_message_id) o.message_id = value;
        else if (name == redelivery_property::origin_queue_id) o.queue_id = to_int32(value, o.queue_id);
        else if (name == store::property::unique_key) unique_key = value;
    });
    // Clients know a message by its UNIQ_KEY when it has one.
    if (o.message_id == offset_message_id && !unique_key.empty()) o.message_id = unique_key;
    return o;
}

redelivered_record retry_copy(const store::decoded_record& record, const message_origin& origin,
                              std::string_view group) {
    std::string props = carried_properties(record.properties);
    store::append_property(props, redelivery_property::retry_topic, origin.topic);
    store::append_property(props, redelivery_property::origin_message_id, origin.message_id);
    store::append_property(props, redelivery_property::origin_queue_id, std::to_string(origin.queue_id));
    return copy_to(record, retry_topic_name(group), std::move(props), record.reconsume_times + 1);
}

redelivered_record dead_letter_copy(const store::decoded_record& record, const message_origin& origin,
                                    std::string_view group) {
    auto copy = retry_copy(record, origin, group);
    store::append_property(copy.properties, redelivery_property::dlq_origin_topic, origin.topic);
    store::append_property(copy.properties, redelivery_property::dlq_origin_message_id, origin.message_id);
    return copy_to(record, dlq_topic_name(group), std::move(copy.properties), record.reconsume_times + 1);
}

} // namespace gantry::core
