#include "gantry/core/selector/tag_expression.hpp"

#include <algorithm>

#include "gantry/store/java_hash.hpp"

namespace gantry::core {

namespace {

// Java's String.trim(): every character up to and including ' '.
std::string_view trim(std::string_view s) {
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
    return s;
}

} // namespace

tag_expression tag_expression::parse(std::string_view text) {
    tag_expression e;
    text = trim(text);
    if (text.empty() || text == "*") return e;
    e.all_ = false;
    constexpr std::string_view separator = "||";
    while (true) {
        const std::size_t end = text.find(separator);
        const std::string_view tag = trim(text.substr(0, end));
        if (!tag.empty() && std::find(e.tags_.begin(), e.tags_.end(), tag) == e.tags_.end()) {
            e.tags_.emplace_back(tag);
            e.codes_.push_back(store::java_string_hash(tag));
        }
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + separator.size());
    }
    std::sort(e.codes_.begin(), e.codes_.end());
    e.codes_.erase(std::unique(e.codes_.begin(), e.codes_.end()), e.codes_.end());
    return e;
}

bool tag_expression::matches_tag_code(std::int64_t tag_code) const noexcept {
    if (all_) return true;
    return std::binary_search(codes_.begin(), codes_.end(), tag_code,
                              [](auto a, auto b) { return static_cast<std::int64_t>(a) < static_cast<std::int64_t>(b); });
}

bool tag_expression::matches_tag(std::string_view tag) const noexcept {
    return all_ || std::find(tags_.begin(), tags_.end(), tag) != tags_.end();
}

} // namespace gantry::core
