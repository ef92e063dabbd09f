#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/core/selector/selector_subject.hpp"
#include "gantry/core/selector/truth.hpp"
#include "like_pattern.hpp"

namespace gantry::core {

enum class node_op : std::uint8_t {
    literal,     // first: index into values_
    identifier,  // first: index into names_
    logical_and, // first, second: a run of operands_
    logical_or,
    logical_not, // first: operand
    equal,       // first, second: left, right (comparisons and arithmetic)
    not_equal,
    less,
    less_equal,
    greater,
    greater_equal,
    add,
    subtract,
    multiply,
    divide,
    negate,      // first: operand
    between,     // first: value, second: low, third: high
    not_between,
    in,          // first: value, second: index into in_lists_
    not_in,
    like,        // first: value, second: index into patterns_
    not_like,
    is_null,     // first: value
    is_not_null,
};

struct selector_node {
    node_op op = node_op::literal;
    std::uint32_t first = 0;
    std::uint32_t second = 0;
    std::uint32_t third = 0;
};

// The string list of an IN, sorted for binary search, and the numbers
// those strings spell for comparison with a numeric value.
struct in_list {
    std::vector<std::string_view> sorted;
    std::vector<selector_value> numbers;
};

// A compiled selector: a flat tree of nodes, the root last. Built once by
// selector_parser, then only read, from any number of threads.
//
// It lives behind a shared_ptr and never moves, so the string views in
// values_, names_ and in_lists_ may point into strings_ and text_.
class selector_program {
public:
    explicit selector_program(std::string text) : text_(std::move(text)) {}
    selector_program(const selector_program&) = delete;
    selector_program& operator=(const selector_program&) = delete;

    // The root is the last node: parents are added after their operands.
    truth evaluate(const selector_subject& subject) const noexcept {
        return test(static_cast<std::uint32_t>(nodes_.size() - 1), subject);
    }
    std::string_view text() const noexcept { return text_; }

    // Building, for selector_parser.
    std::uint32_t add_node(selector_node node);
    std::uint32_t add_literal(selector_value value);
    std::uint32_t add_string_literal(std::string text);
    std::uint32_t add_identifier(std::string_view name);
    std::uint32_t add_operands(const std::vector<std::uint32_t>& operands);
    std::uint32_t add_in_list(std::vector<std::string> strings);
    std::uint32_t add_pattern(like_pattern pattern);

private:
    truth test(std::uint32_t index, const selector_subject& subject) const noexcept;
    selector_value value(std::uint32_t index, const selector_subject& subject) const noexcept;
    truth test_in(const selector_node& n, const selector_subject& subject) const noexcept;
    truth test_like(const selector_node& n, const selector_subject& subject) const noexcept;

    std::string text_;
    std::deque<std::string> strings_; // owns literal text; a deque never moves it
    std::vector<selector_node> nodes_;
    std::vector<selector_value> values_;
    std::vector<std::string_view> names_;
    std::vector<std::uint32_t> operands_;
    std::vector<in_list> in_lists_;
    std::vector<like_pattern> patterns_;
};

} // namespace gantry::core
