#include "gantry/core/mqtt_filter.hpp"

namespace gantry::core {

std::vector<std::string_view> topic_levels(std::string_view text) {
    std::vector<std::string_view> levels;
    std::size_t begin = 0;
    while (true) {
        const auto slash = text.find('/', begin);
        levels.push_back(text.substr(begin, slash == std::string_view::npos ? std::string_view::npos : slash - begin));
        if (slash == std::string_view::npos) return levels;
        begin = slash + 1;
    }
}

std::optional<std::string> mqtt_filter::problem(std::string_view text) {
    if (text.empty()) return std::nullopt;
    const auto levels = topic_levels(text);
    for (std::size_t i = 0; i < levels.size(); ++i) {
        const auto level = levels[i];
        if (level.find('#') != std::string_view::npos && (level != "#" || i + 1 != levels.size()))
            return "'#' must be a whole level and the last one";
        if (level.find('+') != std::string_view::npos && level != "+") return "'+' must be a whole level";
    }
    return std::nullopt;
}

mqtt_filter::mqtt_filter(std::string_view text) {
    if (text.empty()) return;
    for (const auto level : topic_levels(text)) levels_.emplace_back(level);
}

bool mqtt_filter::matches(std::optional<std::string_view> rest) const noexcept {
    if (!rest) return levels_.empty() || matches_all();
    if (levels_.empty()) return false;
    std::size_t begin = 0;
    for (const auto& level : levels_) {
        if (level == "#") return true;
        if (begin > rest->size()) return false; // the topic has fewer levels
        const auto slash = rest->find('/', begin);
        const auto end = slash == std::string_view::npos ? rest->size() : slash;
        if (level != "+" && level != rest->substr(begin, end - begin)) return false;
        begin = end + 1;
    }
    return begin == rest->size() + 1; // every level of the topic was matched
}

} // namespace gantry::core
