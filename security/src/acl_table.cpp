#include "acl_table.hpp"

#include <optional>

#include "gantry/security/security_error.hpp"
#include "text_file.hpp"
#include "topic_filter.hpp"

namespace gantry::security {

namespace {

constexpr std::string_view acl_file_description = "ACL file";

std::optional<acl_right> right_named(std::string_view word) {
    if (word == "read") return acl_right::read;
    if (word == "write") return acl_right::write;
    if (word == "readwrite") return acl_right::readwrite;
    if (word == "deny") return acl_right::deny;
    return std::nullopt;
}

std::pair<std::string_view, std::string_view> first_word(std::string_view text) {
    const auto end = text.find_first_of(" \t");
    if (end == std::string_view::npos) return {text, {}};
    return {text.substr(0, end), trim_left(text.substr(end))};
}

// "[read|write|readwrite|deny] <topic>": the right is optional, and a first
// word that names one is the topic itself when nothing follows it.
acl_rule parse_rule(std::string_view rest) {
    const auto [word, after] = first_word(rest);
    if (const auto right = right_named(word); right && !after.empty()) return acl_rule{*right, std::string(after)};
    return acl_rule{acl_right::readwrite, std::string(rest)};
}

} // namespace

std::variant<acl_table, load_error> acl_table::parse(std::string_view text, const std::filesystem::path& path) {
    acl_table table;
    std::vector<acl_rule>* section = &table.anonymous;
    std::size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        const auto end = text.find('\n');
        const auto line = trim_left(trim_right(text.substr(0, end)));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (line.empty() || line.front() == '#') continue;

        const auto error = [&](std::string_view reason) {
            return line_error(security_errc::malformed_acl_line, acl_file_description, path, line_number, reason);
        };
        const auto [keyword, rest] = first_word(line);
        if (keyword == "user") {
            if (rest.empty()) return error("expected user <username>");
            section = &table.users[std::string(rest)];
        } else if (keyword == "topic" || keyword == "pattern") {
            if (rest.empty()) {
                return error("expected " + std::string(keyword) + " [read|write|readwrite|deny] <topic>");
            }
            auto rule = parse_rule(rest);
            if (!topic_filter::valid_filter(rule.topic)) {
                return error("'" + rule.topic +
                             "' is not a valid topic: + and # must fill a whole level, # only the last");
            }
            (keyword == "topic" ? *section : table.patterns).push_back(std::move(rule));
        } else {
            return error("unknown keyword '" + std::string(keyword) + "' (expected user, topic or pattern)");
        }
    }
    return table;
}

} // namespace gantry::security
