#include "gantry/core/message_codec.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>

#include "core_log.hpp"
#include "gantry/core/core_error.hpp"
#include "gantry/store/message_properties.hpp"
#include "gantry/store/message_record.hpp"
#include "gantry/store/producer_body.hpp"

namespace gantry::core {

namespace {

namespace property = store::property;

// RocketMQ's MessageConst system names (specs §3.7) a user may not set, in
// byte order for a binary search.
using namespace std::string_view_literals;
constexpr std::array rocketmq_reserved = {
    "1ST_POP_TIME"sv, "ARRIVE_TIME"sv, "BUYER_ID"sv, "CHECK_IMMUNITY_TIME_IN_SECONDS"sv, "CLUSTER"sv,
    "CONSUME_START_TIME"sv, "CORRECTION_FLAG"sv, "CORRELATION_ID"sv, "DELAY"sv, "DLQ_ORIGIN_MESSAGE_ID"sv,
    "DLQ_ORIGIN_TOPIC"sv, "INNER_MULTI_DISPATCH"sv, "INNER_MULTI_QUEUE_OFFSET"sv, "INSTANCE_ID"sv, "KEYS"sv,
    "MAX_OFFSET"sv, "MAX_RECONSUME_TIMES"sv, "MIN_OFFSET"sv, "MQ2_FLAG"sv, "MSG_REGION"sv, "MSG_TYPE"sv,
    "ORIGIN_MESSAGE_ID"sv, "PGROUP"sv, "POP_CK"sv, "REAL_QID"sv, "REAL_TOPIC"sv, "RECONSUME_TIME"sv,
    "REPLY_TO_CLIENT"sv, "RETRY_TOPIC"sv, "TAGS"sv, "TIMER_DELAY_MS"sv, "TIMER_DELAY_SEC"sv, "TIMER_DELIVER_MS"sv,
    "TIMER_DEL_UNIQKEY"sv, "TIMER_DEQUEUE_MS"sv, "TIMER_ENQUEUE_MS"sv, "TIMER_OUT_MS"sv, "TIMER_ROLL_TIMES"sv,
    "TRACE_CONTEXT"sv, "TRACE_ON"sv, "TRANSACTION_CHECK_TIMES"sv, "TRANSFER_FLAG"sv, "TRAN_MSG"sv,
    "TRAN_PREPARED_QUEUE_OFFSET"sv, "TTL"sv, "UNIQ_KEY"sv, "WAIT"sv, "__SHARDINGKEY"sv, "__transactionId__"sv,
};
static_assert(std::is_sorted(rocketmq_reserved.begin(), rocketmq_reserved.end()));

constexpr bool starts_lower_case(std::string_view s) { return !s.empty() && s.front() >= 'a' && s.front() <= 'z'; }
static_assert(std::none_of(rocketmq_reserved.begin(), rocketmq_reserved.end(), starts_lower_case));

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// A plain loop: find_first_of with a three-byte set calls memchr once per
// character, and this runs on every property of every message appended.
bool holds_reserved_byte(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) <= 2; });
}

std::int64_t to_int64(std::string_view s, std::int64_t fallback) {
    std::int64_t v = fallback;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc{} && end == s.data() + s.size() ? v : fallback;
}

class property_writer {
public:
    explicit property_writer(std::size_t expected_size) { out_.reserve(expected_size); }
    bool add(std::string_view name, std::string_view value) {
        if (value.empty()) return true; // an empty value cannot be stored (Java drops it)
        if (holds_reserved_byte(name) || holds_reserved_byte(value)) return false;
        store::append_property(out_, name, value);
        return true;
    }
    bool add(std::string_view name, std::int64_t value) {
        return value == 0 || add(name, std::string_view(std::to_string(value)));
    }
    std::string take() { return std::move(out_); }
    std::size_t size() const { return out_.size(); }

private:
    std::string out_;
};

std::string body_of(const store::decoded_record& record) {
    auto body = store::body_as_sent(record);
    if (!body.problem.empty()) {
        // Once at warning level: a producer that compresses so sends many.
        static std::atomic_flag reported;
        const auto level = reported.test_and_set() ? spdlog::level::debug : spdlog::level::warn;
        core_log()->log(level,
                        "the message at commit-log offset {} (topic '{}') goes out with its body as stored: {}; have "
                        "its producer send bodies uncompressed or ZLIB-compressed (RocketMQ's default){}",
                        record.physical_offset, record.topic, body.problem,
                        level == spdlog::level::warn ? " (further ones are logged at debug level)" : "");
    }
    return std::move(body.bytes);
}

} // namespace

bool is_reserved_property(std::string_view name) {
    // Asked for every property of every message stored and read. Names in
    // lower case (mqtt.qos, amqp.*, most applications' own) are never
    // reserved, and leave at the first byte.
    if (starts_lower_case(name)) return false;
    return starts_with(name, "GANTRY_") ||
           std::binary_search(rocketmq_reserved.begin(), rocketmq_reserved.end(), name);
}

// Enough for the properties of `msg` in most cases, so that they are
// written with one allocation.
std::size_t expected_properties_size(const engine::message& msg) {
    constexpr std::size_t per_property = 24; // a name and two separators
    std::size_t size = 10 * per_property + msg.tag.size() + msg.message_id.size() + msg.correlation_id.size() +
                       msg.reply_to.size() + msg.content_type.size() + msg.type.size();
    for (const auto& key : msg.keys) size += key.size() + 1;
    for (const auto& [name, value] : msg.properties) size += name.size() + value.size() + 2;
    return size;
}

result<std::string> encode_properties(const engine::message& msg) {
    property_writer w(expected_properties_size(msg));
    std::string keys;
    for (const auto& key : msg.keys) {
        if (key.empty()) continue;
        if (key.find(' ') != std::string::npos) return core_errc::invalid_property;
        if (!keys.empty()) keys += ' ';
        keys += key;
    }
    bool ok = w.add(property::tags, msg.tag) && w.add(property::keys, keys) &&
              w.add(property::unique_key, msg.message_id) && w.add(header::deliver_at, msg.deliver_at_ms) && w.add(header::expires_at, msg.expires_at_ms) &&
              w.add(header::correlation_id, msg.correlation_id) && w.add(header::reply_to, msg.reply_to) &&
              w.add(header::content_type, msg.content_type) && w.add(header::message_type, msg.type);
    if (ok && msg.priority != engine::message::unset_priority)
        ok = w.add(header::priority, std::string_view(std::to_string(msg.priority)));
    if (ok && !msg.durable) ok = w.add(header::durable, std::string_view("false"));
    for (const auto& [name, value] : msg.properties) {
        if (!ok) break;
        if (name.empty()) return core_errc::invalid_property;
        if (value.empty()) ok = w.add(std::string(header::empty_prefix) + name, std::string_view("-"));
        else if (is_reserved_property(name)) ok = w.add(std::string(header::escaped_prefix) + name, value);
        else ok = w.add(name, value);
    }
    if (!ok) return core_errc::invalid_property;
    if (w.size() > store::max_properties_length) return core_errc::properties_too_long;
    return w.take();
}

engine::message decode_message(const store::decoded_record& record, body_placement body) {
    engine::message msg;
    msg.topic = record.topic;
    if (body == body_placement::copied) msg.body = body_of(record);
    msg.born_time_ms = record.born_timestamp;
    // Room for a few at the first: one allocation for most messages.
    auto add_property = [&](std::string_view name, std::string_view value) {
        if (msg.properties.empty()) msg.properties.reserve(4);
        msg.properties.emplace_back(name, value);
    };
    store::for_each_property(record.properties, [&](std::string_view name, std::string_view value) {
        if (name == property::tags) msg.tag = value;
        else if (name == property::unique_key) msg.message_id = value;
        else if (name == header::retry_topic) msg.topic = value;
        else if (name == header::deliver_at) msg.deliver_at_ms = to_int64(value, 0);
        else if (name == header::expires_at) msg.expires_at_ms = to_int64(value, 0);
        else if (name == header::correlation_id) msg.correlation_id = value;
        else if (name == header::reply_to) msg.reply_to = value;
        else if (name == header::content_type) msg.content_type = value;
        else if (name == header::message_type) msg.type = value;
        else if (name == header::priority) msg.priority = static_cast<int>(to_int64(value, engine::message::unset_priority));
        else if (name == header::durable) msg.durable = value != "false";
        else if (name == property::keys) {
            for (std::size_t at = 0; at <= value.size();) {
                const auto space = std::min(value.find(' ', at), value.size());
                if (space > at) msg.keys.emplace_back(value.substr(at, space - at));
                at = space + 1;
            }
        } else if (starts_with(name, header::empty_prefix)) {
            add_property(name.substr(header::empty_prefix.size()), std::string_view());
        } else if (starts_with(name, header::escaped_prefix)) {
            add_property(name.substr(header::escaped_prefix.size()), value);
        } else if (!is_reserved_property(name)) {
            add_property(name, value);
        }
    });
    return msg;
}

} // namespace gantry::core
