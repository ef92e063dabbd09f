#include "gantry/protocols/naming/topic_names.hpp"

#include "gantry/protocols/naming/hex_text.hpp"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "gantry/core/mqtt_filter.hpp"
#include "gantry/core/topic_config.hpp"

namespace gantry::protocols::naming {

static_assert(trailing_level_property == core::mqtt_filter::trailing_level_property,
              "the engine's MQTT filter reads the property the mapping writes");

namespace {

constexpr std::size_t max_engine_topic = 127; // RocketMQ's topic name limit

class naming_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "gantry.topic_names"; }
    std::string message(int value) const override {
        switch (static_cast<naming_errc>(value)) {
        case naming_errc::topic_too_long: return "first topic level longer than 127 bytes once percent-encoded";
        case naming_errc::reserved_topic: return "first topic level names a system topic of the broker";
        case naming_errc::invalid_wildcard:
            return "wildcards are whole levels after the first, and only in subscriptions";
        }
        return "unknown topic name error";
    }
};

bool plain(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

} // namespace

const std::error_category& naming_category() noexcept {
    static const naming_category_impl category;
    return category;
}

std::string encode_first_level(std::string_view level) {
    if (level.empty()) return "%";
    std::string out;
    out.reserve(level.size());
    for (const unsigned char c : level) {
        if (plain(c)) {
            out.push_back(static_cast<char>(c));
            continue;
        }
        out.push_back('%');
        out.push_back(hex_digits[c >> 4]);
        out.push_back(hex_digits[c & 0xF]);
    }
    return out;
}

std::string decode_first_level(std::string_view topic) {
    if (topic == "%") return {};
    std::string out;
    out.reserve(topic.size());
    for (std::size_t i = 0; i < topic.size(); ++i) {
        if (topic[i] == '%' && i + 2 < topic.size() && hex_digit_value(topic[i + 1]) >= 0 && hex_digit_value(topic[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_digit_value(topic[i + 1]) * 16 + hex_digit_value(topic[i + 2])));
            i += 2;
            continue;
        }
        out.push_back(topic[i]);
    }
    return out;
}

result<std::string> engine_topic_of(std::string_view first_level) {
    auto topic = encode_first_level(first_level);
    if (topic.size() > max_engine_topic) return naming_errc::topic_too_long;
    if (core::is_system_topic(topic)) return naming_errc::reserved_topic;
    return topic;
}

result<engine_address> to_engine_address(std::string_view name) {
    const auto slash = name.find('/');
    auto topic = engine_topic_of(name.substr(0, slash));
    if (!topic) return topic.error();
    engine_address address;
    address.topic = std::move(*topic);
    if (slash != std::string_view::npos) {
        address.tag = std::string(name.substr(slash + 1));
        address.trailing_level = address.tag.empty();
    }
    return address;
}

std::string group_name(std::string_view prefix, std::initializer_list<std::string_view> parts) {
    // Group names become "%RETRY%<group>" topics: at most 127 bytes.
    constexpr std::size_t longest = 100;
    std::string name(prefix);
    for (const auto part : parts) name += '-' + encode_first_level(part);
    if (name.size() <= longest || parts.size() == 0) return name;
    std::uint64_t hash = 14695981039346656037ULL; // FNV-1a, stable across runs
    bool first = true;
    for (const auto part : parts) {
        if (!first) hash = (hash ^ static_cast<unsigned char>('/')) * 1099511628211ULL;
        first = false;
        for (const unsigned char c : part) hash = (hash ^ c) * 1099511628211ULL;
    }
    return fmt::format("{}-{}-{:016x}", prefix, encode_first_level(*parts.begin()).substr(0, 40), hash);
}

std::string queue_group(std::string_view queue_name) { return group_name("GANTRY_QUEUE", {queue_name}); }

std::string durable_subscription_group(std::string_view client_id, std::string_view subscription_name) {
    return group_name("GANTRY_DURABLE", {client_id, subscription_name});
}

std::string to_hierarchical_name(const engine::message& msg) {
    auto name = decode_first_level(msg.topic);
    if (!msg.tag.empty()) {
        name += '/';
        name += msg.tag;
        return name;
    }
    const auto trailing = std::find_if(msg.properties.begin(), msg.properties.end(),
                                       [](const auto& p) { return p.first == trailing_level_property; });
    if (trailing != msg.properties.end()) name += '/';
    return name;
}

} // namespace gantry::protocols::naming
