#include "heartbeat_body.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "gantry/store/java_hash.hpp"

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

} // namespace

bool subscription::accepts_tag(const std::string& tag) const {
    if (type != "TAG" || tags.empty()) return true;
    return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

subscription make_subscription(std::string topic, std::string expression, std::string type, std::int64_t version) {
    auto trimmed = trim(expression);
    const bool everything = type == "TAG" && (trimmed.empty() || trimmed == "*");
    subscription sub{std::move(topic), everything ? std::string(1, '*') : std::move(trimmed), std::move(type), {}, {},
                     version};
    if (sub.type != "TAG" || everything) return sub;
    std::string_view rest = sub.expression;
    while (!rest.empty()) {
        const auto bar = rest.find("||");
        auto tag = trim(rest.substr(0, bar));
        rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 2);
        if (tag.empty() || std::find(sub.tags.begin(), sub.tags.end(), tag) != sub.tags.end()) continue;
        sub.codes.push_back(store::java_string_hash(tag));
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
