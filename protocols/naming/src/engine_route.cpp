#include "gantry/protocols/naming/engine_route.hpp"

#include "gantry/protocols/naming/topic_names.hpp"

namespace gantry::protocols::naming {

std::string engine_route::hierarchical_name() const {
    auto name = decode_first_level(topic);
    if (!remainder.empty() || trailing_level) name += "/" + remainder;
    return name;
}

void engine_route::address(engine::message& msg) const {
    msg.topic = topic;
    msg.tag = remainder;
    if (trailing_level) msg.properties.emplace_back(trailing_level_property, "1");
}

result<engine_route> to_engine_route(std::string_view name, name_syntax syntax, bool subscribing) {
    const auto is_wildcard = [&](std::string_view level) {
        return level.size() == 1 && (level[0] == syntax.one_level || level[0] == syntax.multi_level);
    };
    const auto cut = name.find(syntax.separator);
    const auto first = name.substr(0, cut);
    if (is_wildcard(first)) return naming_errc::invalid_wildcard;
    auto topic = engine_topic_of(first);
    if (!topic) return topic.error();
    engine_route route{std::move(*topic), {}, false, false};
    if (cut == std::string_view::npos) return route;
    route.trailing_level = cut + 1 == name.size();
    // The remaining levels, '/'-separated, wildcards as MQTT's '+' and '#'.
    // In a subscription, a level holding a wildcard character among others
    // (or MQTT's, which the engine's filter would read) is refused.
    const std::string reserved{syntax.one_level, syntax.multi_level, '+', '#'};
    const auto rest = name.substr(cut + 1);
    for (std::size_t begin = 0;;) {
        const auto end = rest.find(syntax.separator, begin);
        const auto level = rest.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
        const bool one = level.size() == 1 && level[0] == syntax.one_level;
        const bool multi = level.size() == 1 && level[0] == syntax.multi_level;
        if ((one || multi) && !subscribing) return naming_errc::invalid_wildcard;
        if (multi && end != std::string_view::npos) return naming_errc::invalid_wildcard;
        if (!one && !multi && subscribing && level.find_first_of(reserved) != std::string_view::npos)
            return naming_errc::invalid_wildcard;
        route.wildcard |= one || multi;
        route.remainder += one ? std::string_view("+") : multi ? std::string_view("#") : level;
        if (end == std::string_view::npos) break;
        route.remainder += '/';
        begin = end + 1;
    }
    return route;
}

} // namespace gantry::protocols::naming
