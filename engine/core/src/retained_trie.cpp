#include "gantry/core/retained_trie.hpp"

#include <algorithm>

#include "gantry/core/mqtt_filter.hpp"
#include "gantry/engine/subscription_options.hpp"

namespace gantry::core {

namespace {

std::string join_levels(const std::vector<std::string_view>& levels) {
    std::string name;
    for (std::size_t i = 0; i < levels.size(); ++i) {
        if (i > 0) name += '/';
        name += levels[i];
    }
    return name;
}

} // namespace

// Walks the tree in name order (pre-order, children by level), which is the
// lexicographic order of level sequences; `on_cursor` says the current path
// is a prefix of the resume point, so earlier siblings are skipped and the
// path itself is not returned again.
class retained_trie::matcher {
public:
    matcher(std::string_view filter, const std::optional<std::string>& after, std::size_t limit,
            std::vector<entry>& out)
        : filter_(topic_levels(filter)), limit_(limit), out_(out) {
        if (after) cursor_ = topic_levels(*after);
    }

    bool run(const node& root) {
        walk(root, 0, cursor_.has_value());
        return more_;
    }

private:
    void walk(const node& n, std::size_t fi, bool on_cursor) {
        if (stopped_) return;
        if (fi == filter_.size()) return emit(n, on_cursor);
        const auto level = filter_[fi];
        if (level == "#") {
            if (!path_.empty()) emit(n, on_cursor); // "a/#" matches "a" too
            return subtree(n, on_cursor);
        }
        if (!n.kids) return;
        if (level == "+") {
            for (auto it = first_child(n, on_cursor); it != n.kids->end() && !stopped_; ++it) {
                if (path_.empty() && engine::is_hidden_topic(it->first)) continue;
                descend(it->first, it->second, fi + 1, on_cursor);
            }
            return;
        }
        const auto it = n.kids->find(level);
        if (it == n.kids->end()) return;
        if (on_cursor && path_.size() < cursor_->size() && it->first < (*cursor_)[path_.size()]) return;
        descend(it->first, it->second, fi + 1, on_cursor);
    }

    void subtree(const node& n, bool on_cursor) {
        if (!n.kids) return;
        for (auto it = first_child(n, on_cursor); it != n.kids->end() && !stopped_; ++it) {
            if (path_.empty() && engine::is_hidden_topic(it->first)) continue;
            const bool child_on_cursor = still_on_cursor(it->first, on_cursor);
            path_.push_back(it->first);
            emit(it->second, child_on_cursor);
            subtree(it->second, child_on_cursor);
            path_.pop_back();
        }
    }

    void descend(const std::string& level, const node& child, std::size_t fi, bool on_cursor) {
        const bool child_on_cursor = still_on_cursor(level, on_cursor);
        path_.push_back(level);
        walk(child, fi, child_on_cursor);
        path_.pop_back();
    }

    children::const_iterator first_child(const node& n, bool on_cursor) const {
        if (on_cursor && path_.size() < cursor_->size()) return n.kids->lower_bound((*cursor_)[path_.size()]);
        return n.kids->begin();
    }

    bool still_on_cursor(std::string_view level, bool on_cursor) const {
        return on_cursor && path_.size() < cursor_->size() && level == (*cursor_)[path_.size()];
    }

    void emit(const node& n, bool on_cursor) {
        // On the cursor's path a name is a prefix of the resume point (or it):
        // it came before, so it was returned already.
        if (n.offset < 0 || on_cursor || stopped_) return;
        if (out_.size() >= start_ + limit_) {
            more_ = true;
            stopped_ = true;
            return;
        }
        out_.push_back({join_levels(path_), n.offset});
    }

    std::vector<std::string_view> filter_;
    std::optional<std::vector<std::string_view>> cursor_;
    std::size_t limit_;
    std::vector<entry>& out_;
    std::size_t start_ = out_.size();
    std::vector<std::string_view> path_;
    bool more_ = false;
    bool stopped_ = false;
};

std::size_t retained_trie::levels_of(std::string_view name) noexcept {
    return static_cast<std::size_t>(std::count(name.begin(), name.end(), '/')) + 1;
}

void retained_trie::set(std::string_view name, std::int64_t offset) {
    node* n = &root_;
    for (const auto level : topic_levels(name)) {
        if (!n->kids) n->kids = std::make_unique<children>();
        auto it = n->kids->find(level);
        if (it == n->kids->end()) it = n->kids->emplace(std::string(level), node{}).first;
        n = &it->second;
    }
    if (n->offset < 0) ++size_;
    n->offset = offset;
}

bool retained_trie::erase_at(node& n, const std::vector<std::string_view>& levels, std::size_t depth,
                             std::optional<std::int64_t> only_offset, bool& removed) {
    if (depth == levels.size()) {
        if (n.offset >= 0 && (!only_offset || *only_offset == n.offset)) {
            n.offset = -1;
            removed = true;
        }
    } else if (n.kids) {
        const auto it = n.kids->find(levels[depth]);
        if (it == n.kids->end()) return false;
        // Branches left with nothing retained are pruned on the way back.
        if (erase_at(it->second, levels, depth + 1, only_offset, removed)) n.kids->erase(it);
        if (n.kids->empty()) n.kids.reset();
    }
    return n.offset < 0 && !n.kids;
}

bool retained_trie::erase(std::string_view name, std::optional<std::int64_t> only_offset) {
    bool removed = false;
    erase_at(root_, topic_levels(name), 0, only_offset, removed);
    if (removed) --size_;
    return removed;
}

std::optional<std::int64_t> retained_trie::find(std::string_view name) const {
    const node* n = &root_;
    for (const auto level : topic_levels(name)) {
        if (!n->kids) return std::nullopt;
        const auto it = n->kids->find(level);
        if (it == n->kids->end()) return std::nullopt;
        n = &it->second;
    }
    if (n->offset < 0) return std::nullopt;
    return n->offset;
}

std::optional<std::string> retained_trie::filter_problem(std::string_view filter) {
    const auto levels = topic_levels(filter);
    for (std::size_t i = 0; i < levels.size(); ++i) {
        const auto level = levels[i];
        if (level.find('#') != std::string_view::npos && (level != "#" || i + 1 != levels.size()))
            return "'#' must be a whole level and the last one";
        if (level.find('+') != std::string_view::npos && level != "+") return "'+' must be a whole level";
    }
    return std::nullopt;
}

bool retained_trie::match(std::string_view filter, const std::optional<std::string>& after, std::size_t limit,
                          std::vector<entry>& out) const {
    return matcher(filter, after, limit, out).run(root_);
}

void retained_trie::for_each(const std::function<void(const std::string&, std::int64_t)>& visit) const {
    std::vector<entry> all;
    matcher("#", std::nullopt, size_, all).run(root_);
    // "#" skips hidden names at the first level; they are visited separately.
    if (root_.kids) {
        for (const auto& [level, kid] : *root_.kids)
            if (engine::is_hidden_topic(level)) matcher(level + "/#", std::nullopt, size_, all).run(root_);
    }
    for (const auto& e : all) visit(e.name, e.offset);
}

} // namespace gantry::core
