#include "gantry/protocols/mqtt/topic_filter.hpp"

#include <cstddef>

#include "gantry/protocols/mqtt/mqtt_utf8.hpp"

namespace gantry::protocols::mqtt {

namespace {

constexpr std::size_t max_string_size = 65'535;
constexpr std::string_view share_prefix = "$share/";

std::string_view common_problem(std::string_view text) noexcept {
    if (text.empty()) return "is empty";
    if (text.size() > max_string_size) return "is longer than 65535 bytes";
    return utf8_mqtt_problem(text);
}

std::string_view plain_filter_problem(std::string_view filter) noexcept {
    if (filter.empty()) return "is empty";
    for (std::size_t pos = 0; pos < filter.size(); ++pos) {
        const char c = filter[pos];
        if (c != '+' && c != '#') continue;
        const bool level_start = pos == 0 || filter[pos - 1] == '/';
        const bool level_end = pos + 1 == filter.size() || filter[pos + 1] == '/';
        if (c == '+' && !(level_start && level_end)) return "has a '+' that does not fill a whole level";
        if (c == '#' && !(level_start && pos + 1 == filter.size())) {
            return "has a '#' that is not the whole last level";
        }
    }
    return {};
}

// "$share/<name>/<filter>" split, or nullopt with `problem` set when the text
// starts like a shared subscription but is not one.
std::optional<topic_filter> split_shared(std::string_view text, std::string_view& problem) noexcept {
    const auto rest = text.substr(share_prefix.size());
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) {
        problem = "is a shared subscription without a '/' after the share name";
        return std::nullopt;
    }
    topic_filter out{rest.substr(0, slash), rest.substr(slash + 1)};
    if (out.share_name.empty()) {
        problem = "is a shared subscription with an empty share name";
    } else if (out.share_name.find_first_of("+#") != std::string_view::npos) {
        problem = "is a shared subscription whose share name contains '+' or '#'";
    } else if (out.filter.empty()) {
        problem = "is a shared subscription without a topic filter after the share name";
    } else {
        problem = plain_filter_problem(out.filter);
    }
    if (!problem.empty()) return std::nullopt;
    return out;
}

} // namespace

std::string_view topic_name_problem(std::string_view name) noexcept {
    if (const auto problem = common_problem(name); !problem.empty()) return problem;
    if (name.find('+') != std::string_view::npos) return "contains '+' (wildcards are not allowed in topic names)";
    if (name.find('#') != std::string_view::npos) return "contains '#' (wildcards are not allowed in topic names)";
    return {};
}

std::string_view topic_filter_problem(std::string_view filter, bool shared_syntax) noexcept {
    if (const auto problem = common_problem(filter); !problem.empty()) return problem;
    if (shared_syntax && filter.starts_with(share_prefix)) {
        std::string_view problem;
        split_shared(filter, problem);
        return problem;
    }
    return plain_filter_problem(filter);
}

bool valid_topic_name(std::string_view name) noexcept {
    return topic_name_problem(name).empty();
}

bool valid_topic_filter(std::string_view filter) noexcept {
    return topic_filter_problem(filter, false).empty();
}

std::optional<topic_filter> parse_topic_filter(std::string_view text) noexcept {
    if (!common_problem(text).empty()) return std::nullopt;
    if (text.starts_with(share_prefix)) {
        std::string_view problem;
        return split_shared(text, problem);
    }
    if (!plain_filter_problem(text).empty()) return std::nullopt;
    return topic_filter{{}, text};
}

bool topic_matches(std::string_view filter, std::string_view name) noexcept {
    if (name.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#'))) return false;
    for (;;) {
        const auto filter_end = filter.find('/');
        const auto level = filter.substr(0, filter_end);
        if (level == "#") return true;
        const auto name_end = name.find('/');
        if (level != "+" && level != name.substr(0, name_end)) return false;
        if (filter_end == std::string_view::npos) return name_end == std::string_view::npos;
        if (name_end == std::string_view::npos) return filter.substr(filter_end + 1) == "#";
        filter.remove_prefix(filter_end + 1);
        name.remove_prefix(name_end + 1);
    }
}

} // namespace gantry::protocols::mqtt
