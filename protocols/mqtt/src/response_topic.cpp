#include "gantry/protocols/mqtt/response_topic.hpp"

#include "gantry/protocols/mqtt/mqtt_mapping.hpp"
#include "gantry/protocols/mqtt/topic_filter.hpp"

namespace gantry::protocols::mqtt {

namespace {

constexpr std::string_view client_id_placeholder = "%c";

} // namespace

std::optional<std::string> response_topic_prefix_problem(std::string_view prefix) {
    if (prefix.empty()) return std::nullopt;
    if (const auto problem = topic_name_problem(prefix); !problem.empty())
        return "is not a valid topic name: it " + std::string(problem);
    const auto first_level = prefix.substr(0, prefix.find('/'));
    if (first_level.starts_with('$')) return "must not start with '$' (topics for the server's own use)";
    if (first_level.find(client_id_placeholder) != std::string_view::npos)
        return "must not hold %c in its first level: that is the engine topic, and every client would make one";
    if (prefix.find(client_id_placeholder) == std::string_view::npos)
        return "must hold %c, so that each client gets response topics of its own";
    if (auto address = to_engine_address(prefix); !address)
        return "has a first level that is no engine topic: " + address.error().message();
    return std::nullopt;
}

std::optional<std::string> response_information(std::string_view prefix, std::string_view client_id) {
    if (prefix.empty() || client_id.find_first_of("/+#") != std::string_view::npos) return std::nullopt;
    std::string topic;
    for (auto at = prefix.find(client_id_placeholder); at != std::string_view::npos;
         at = prefix.find(client_id_placeholder)) {
        topic += prefix.substr(0, at);
        topic += client_id;
        prefix.remove_prefix(at + client_id_placeholder.size());
    }
    topic += prefix;
    if (!valid_topic_name(topic)) return std::nullopt; // a client id long enough to take it past 65535 bytes
    return topic;
}

} // namespace gantry::protocols::mqtt
