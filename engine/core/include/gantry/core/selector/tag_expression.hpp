#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gantry::core {

// A RocketMQ subscription expression of type TAG: "*" or empty selects
// every message, otherwise "a || b || c". Parsed as RocketMQ's FilterAPI
// does, so it never fails: tags are trimmed and empty ones dropped.
//
// The consume queue stores each message's tag as its Java String.hashCode,
// so tag_codes() lets the store skip entries without reading records;
// matches_tag() then settles hash collisions on the record's real tag.
class tag_expression {
public:
    // Selects every message.
    tag_expression() = default;

    static tag_expression parse(std::string_view text);

    bool matches_all() const noexcept { return all_; }
    // The tags in the order written, duplicates removed.
    const std::vector<std::string>& tags() const noexcept { return tags_; }
    // java_string_hash of each tag, sorted and unique.
    const std::vector<std::int32_t>& tag_codes() const noexcept { return codes_; }

    // Consume-queue pre-filter: could a message with this tag code match?
    bool matches_tag_code(std::int64_t tag_code) const noexcept;
    // Exact check on the tag a record carries (empty: the record has none).
    bool matches_tag(std::string_view tag) const noexcept;

private:
    bool all_ = true;
    std::vector<std::string> tags_;
    std::vector<std::int32_t> codes_;
};

} // namespace gantry::core
