#include "gantry/security/acl.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "acl_table.hpp"
#include "text_file.hpp"
#include "topic_filter.hpp"

namespace gantry::security {

namespace {

// A value that may stand in for %u or %c: one that could widen the rule is
// refused. A wildcard or '/' would reach other levels or other clients'
// topics; an empty value would make an empty level.
bool safe_substitute(std::string_view value) {
    return !value.empty() && value.find_first_of(std::string_view("+#/\0", 4)) == std::string_view::npos;
}

// The pattern with %u and %c replaced, or nothing if the pattern does not
// apply to this client (it needs a value the client lacks or that is unsafe).
std::optional<std::string> substitute(std::string_view pattern, std::optional<std::string_view> username,
                                      std::string_view client_id) {
    std::string out;
    out.reserve(pattern.size());
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '%' && i + 1 < pattern.size() && (pattern[i + 1] == 'u' || pattern[i + 1] == 'c')) {
            const auto value = pattern[i + 1] == 'u' ? username : std::optional<std::string_view>(client_id);
            if (!value || !safe_substitute(*value)) return std::nullopt;
            out += *value;
            ++i;
        } else {
            out += pattern[i];
        }
    }
    // A value starting with '$' must not move the rule into $SYS and friends.
    if (!out.empty() && out.front() == '$' && pattern.front() != '$') return std::nullopt;
    return out;
}

bool grants(acl_right right, access_kind kind) {
    switch (right) {
    case acl_right::read: return kind != access_kind::write;
    case acl_right::write: return kind == access_kind::write;
    case acl_right::readwrite: return true;
    case acl_right::deny: return false;
    }
    return false;
}

} // namespace

acl::acl() = default;

acl::~acl() = default;

std::optional<load_error> acl::load(const std::filesystem::path& acl_file) {
    auto text = read_text_file(acl_file, "ACL file");
    if (auto* error = std::get_if<load_error>(&text)) return std::move(*error);
    auto parsed = acl_table::parse(std::get<std::string>(text), acl_file);
    if (auto* error = std::get_if<load_error>(&parsed)) return std::move(*error);
    auto table = std::make_shared<const acl_table>(std::move(std::get<acl_table>(parsed)));
    const std::lock_guard lock(mutex_);
    path_ = acl_file;
    table_ = std::move(table);
    return std::nullopt;
}

std::optional<load_error> acl::reload() {
    std::filesystem::path path;
    {
        const std::lock_guard lock(mutex_);
        path = path_;
    }
    if (path.empty()) return std::nullopt;
    return load(path);
}

bool acl::has_acl_file() const { return snapshot() != nullptr; }

bool acl::check(access_kind kind, std::optional<std::string_view> username, std::string_view client_id,
                std::string_view topic) const {
    const auto table = snapshot();
    if (!table) return true;
    const bool subscribe = kind == access_kind::subscribe;
    if (!(subscribe ? topic_filter::valid_filter(topic) : topic_filter::valid_name(topic))) return false;

    static const std::vector<acl_rule> no_rules;
    const std::vector<acl_rule>* section = &no_rules;
    if (!username) {
        section = &table->anonymous;
    } else if (const auto user = table->users.find(*username); user != table->users.end()) {
        section = &user->second;
    }
    std::vector<acl_rule> patterns;
    for (const auto& pattern : table->patterns) {
        if (auto rule = substitute(pattern.topic, username, client_id)) {
            patterns.push_back(acl_rule{pattern.right, std::move(*rule)});
        }
    }
    const auto any_rule = [&](auto&& predicate) {
        return std::any_of(section->begin(), section->end(), predicate) ||
               std::any_of(patterns.begin(), patterns.end(), predicate);
    };

    const bool denied = any_rule([&](const acl_rule& rule) {
        return rule.right == acl_right::deny &&
               (subscribe ? topic_filter::overlap(rule.topic, topic) : topic_filter::covers(rule.topic, topic));
    });
    return !denied && any_rule([&](const acl_rule& rule) {
        return grants(rule.right, kind) && topic_filter::covers(rule.topic, topic);
    });
}

std::shared_ptr<const acl_table> acl::snapshot() const {
    const std::lock_guard lock(mutex_);
    return table_;
}

} // namespace gantry::security
