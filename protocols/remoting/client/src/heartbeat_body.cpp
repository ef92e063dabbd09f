#include "heartbeat_body.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace gantry::protocols::remoting::client {

namespace {

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

const char* from_where_name(consume_from start) {
    switch (start) {
    case consume_from::first_offset: return "CONSUME_FROM_FIRST_OFFSET";
    case consume_from::timestamp: return "CONSUME_FROM_TIMESTAMP";
    case consume_from::last_offset: break;
    }
    return "CONSUME_FROM_LAST_OFFSET";
}

// The next code point of UTF-8 `text` at `i` (a malformed byte stands for itself).
std::uint32_t next_code_point(const std::string& text, std::size_t& i) {
    const auto byte = [&](std::size_t at) { return static_cast<std::uint8_t>(text[at]); };
    const auto lead = byte(i);
    const std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
    if (length == 1 || i + length > text.size()) {
        ++i;
        return lead;
    }
    std::uint32_t cp = lead & (0xFF >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (byte(i + k) & 0x3F);
    i += length;
    return cp;
}

} // namespace

std::int32_t java_hash_code(const std::string& text) {
    std::uint32_t hash = 0; // unsigned: Java's int overflow wraps
    const auto add = [&hash](std::uint32_t unit) { hash = hash * 31 + unit; };
    for (std::size_t i = 0; i < text.size();) {
        const auto cp = next_code_point(text, i);
        if (cp < 0x10000) {
            add(cp);
        } else {
            add(0xD800 + ((cp - 0x10000) >> 10));
            add(0xDC00 + ((cp - 0x10000) & 0x3FF));
        }
    }
    return static_cast<std::int32_t>(hash);
}

bool subscription::accepts_tag(const std::string& tag) const {
    if (type != "TAG" || tags.empty()) return true;
    return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

subscription make_subscription(std::string topic, std::string expression, std::string type, std::int64_t version) {
    subscription sub{std::move(topic), trim(expression), std::move(type), {}, {}, version};
    if (sub.type != "TAG") return sub;
    if (sub.expression.empty() || sub.expression == "*") {
        sub.expression = "*";
        return sub;
    }
    std::string_view rest = sub.expression;
    while (!rest.empty()) {
        const auto bar = rest.find("||");
        auto tag = trim(rest.substr(0, bar));
        rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 2);
        if (tag.empty() || std::find(sub.tags.begin(), sub.tags.end(), tag) != sub.tags.end()) continue;
        sub.codes.push_back(java_hash_code(tag));
        sub.tags.push_back(std::move(tag));
    }
    return sub;
}

std::string heartbeat_json(const std::string& client_id, const consumer_description& consumer) {
    // nlohmann's objects are std::maps: keys come out sorted, as fastjson writes beans.
    auto subscriptions = nlohmann::json::array();
    for (const auto& s : consumer.subscriptions) {
        subscriptions.push_back({{"classFilterMode", false},
                                 {"codeSet", s.codes},
                                 {"expressionType", s.type},
                                 {"subString", s.expression},
                                 {"subVersion", s.version},
                                 {"tagsSet", s.tags},
                                 {"topic", s.topic}});
    }
    const nlohmann::json body = {
        {"clientID", client_id},
        {"consumerDataSet",
         nlohmann::json::array({{{"consumeFromWhere", from_where_name(consumer.start)},
                                 {"consumeType", "CONSUME_PASSIVELY"},
                                 {"groupName", consumer.group},
                                 {"messageModel",
                                  consumer.model == message_model::broadcasting ? "BROADCASTING" : "CLUSTERING"},
                                 {"subscriptionDataSet", subscriptions},
                                 {"unitMode", false}}})},
        {"producerDataSet", nlohmann::json::array({{{"groupName", "CLIENT_INNER_PRODUCER"}}})}};
    return body.dump();
}

} // namespace gantry::protocols::remoting::client
