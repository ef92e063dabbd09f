#include "topic_filter.hpp"

namespace gantry::security::topic_filter {

namespace {

// Walks the levels of a name or filter; "a//b" has an empty middle level.
class level_reader {
public:
    explicit level_reader(std::string_view text) : rest_(text) {}

    bool at_end() const noexcept { return done_; }
    std::string_view peek() const noexcept { return rest_.substr(0, rest_.find('/')); }
    std::string_view next() noexcept {
        const auto slash = rest_.find('/');
        const auto level = rest_.substr(0, slash);
        if (slash == std::string_view::npos) {
            done_ = true;
            rest_ = {};
        } else {
            rest_.remove_prefix(slash + 1);
        }
        return level;
    }

private:
    std::string_view rest_;
    bool done_ = false;
};

bool wildcard(std::string_view level) { return level == "+" || level == "#"; }

bool dollar(std::string_view level) { return !level.empty() && level.front() == '$'; }

} // namespace

bool valid_name(std::string_view topic) {
    return !topic.empty() && topic.find_first_of("+#") == std::string_view::npos;
}

bool valid_filter(std::string_view filter) {
    if (filter.empty()) return false;
    level_reader levels(filter);
    while (!levels.at_end()) {
        const auto level = levels.next();
        if (level.find_first_of("+#") == std::string_view::npos) continue;
        if (level == "+") continue;
        if (level == "#" && levels.at_end()) continue;
        return false;
    }
    return true;
}

bool covers(std::string_view rule, std::string_view filter) {
    level_reader r(rule);
    level_reader f(filter);
    for (bool first = true;; first = false) {
        if (r.at_end()) return f.at_end();
        const auto rule_level = r.next();
        if (rule_level == "#") {
            // "a/#" also matches "a" itself, so f may already be at its end.
            return !(first && dollar(f.peek()));
        }
        if (f.at_end()) return false;
        const auto filter_level = f.next();
        if (rule_level == "+") {
            if (filter_level == "#" || (first && dollar(filter_level))) return false;
        } else if (rule_level != filter_level) {
            return false;
        }
    }
}

bool overlap(std::string_view a, std::string_view b) {
    level_reader x(a);
    level_reader y(b);
    for (bool first = true;; first = false) {
        if (x.at_end() || y.at_end()) {
            if (x.at_end() && y.at_end()) return true;
            return (x.at_end() ? y : x).peek() == "#";
        }
        const auto lx = x.next();
        const auto ly = y.next();
        if (lx == "#" || ly == "#") {
            const auto other = lx == "#" ? ly : lx;
            return !(first && !wildcard(other) && dollar(other));
        }
        if (lx == "+" || ly == "+") {
            const auto other = lx == "+" ? ly : lx;
            if (first && !wildcard(other) && dollar(other)) return false;
        } else if (lx != ly) {
            return false;
        }
    }
}

} // namespace gantry::security::topic_filter
