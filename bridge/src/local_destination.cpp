#include "local_destination.hpp"

#include <fmt/format.h>

namespace gantry::bridge {

local_destination_result parse_local_destination(std::string_view text, bool reading) {
    constexpr std::string_view queue_scheme = "queue://";
    constexpr std::string_view topic_scheme = "topic://";
    const bool queue = text.starts_with(queue_scheme);
    if (!queue && !text.starts_with(topic_scheme))
        return {std::nullopt, fmt::format("'{}' names no local destination; write queue://<name> or topic://<name>",
                                          text)};
    const auto name = text.substr(queue ? queue_scheme.size() : topic_scheme.size());
    if (name.empty()) return {std::nullopt, fmt::format("'{}': no queue or topic name after the scheme", text)};
    auto route = protocols::naming::to_engine_route(name, protocols::naming::mqtt_syntax, reading && !queue);
    if (!route) return {std::nullopt, fmt::format("'{}': {}", text, route.error().message())};
    return {local_destination{queue, std::move(*route)}, {}};
}

} // namespace gantry::bridge
