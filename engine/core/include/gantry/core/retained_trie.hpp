#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gantry::core {

// Names ('/'-separated levels, an MQTT topic name's shape) → the commit-log
// offset of the record retained under each: a tree of levels, so a filter
// visits only the branches it can match (Mosquitto's design) and a million
// names cost about 100 bytes each plus their level text, never a payload.
// Children are kept in order, so matches come in name order and a page can
// resume after the last name it returned. Not synchronised.
class retained_trie {
public:
    struct entry {
        std::string name;
        std::int64_t offset = 0;
    };

    // Names with more levels are refused (retain fails with
    // invalid_topic_name): the walks recurse once per level.
    static constexpr std::size_t max_levels = 1024;
    static std::size_t levels_of(std::string_view name) noexcept;

    // Sets (or replaces) the offset retained under `name`.
    void set(std::string_view name, std::int64_t offset);
    // Removes `name`; with `only_offset`, only while it still holds that
    // offset. True when something was removed.
    bool erase(std::string_view name, std::optional<std::int64_t> only_offset = std::nullopt);
    std::optional<std::int64_t> find(std::string_view name) const;
    std::size_t size() const noexcept { return size_; }

    // Why `filter` is not one ('#' not alone in the last level, '+' not
    // alone in its level); nothing when it is.
    static std::optional<std::string> filter_problem(std::string_view filter);

    // Appends to `out` the entries matching `filter` (valid) whose names come
    // after `after` in name order, at most `limit`; true when more follow.
    // MQTT's rules: '+' one level, '#' the rest including the parent level,
    // and a wildcard first level skips names starting with '$'.
    bool match(std::string_view filter, const std::optional<std::string>& after, std::size_t limit,
               std::vector<entry>& out) const;

    // Every entry (in name order, names starting with '$' last).
    void for_each(const std::function<void(const std::string& name, std::int64_t offset)>& visit) const;

private:
    struct node;
    using children = std::map<std::string, node, std::less<>>;
    struct node {
        std::int64_t offset = -1; // -1: nothing retained at exactly this name
        std::unique_ptr<children> kids;
    };
    class matcher;

    static bool erase_at(node& n, const std::vector<std::string_view>& levels, std::size_t depth,
                         std::optional<std::int64_t> only_offset, bool& removed);

    node root_;
    std::size_t size_ = 0;
};

} // namespace gantry::core
