#include "selector_program.hpp"

#include <algorithm>

#include "numeric_text.hpp"

namespace gantry::core {

namespace {

using kind = selector_value::kind;

// The numeric-string extension: a string meeting a number is read as one.
// Returns false when it does not spell a number.
bool coerce_to_number(selector_value& v) noexcept {
    if (v.type() != kind::string) return v.is_numeric();
    v = parse_numeric_text(v.as_string());
    return !v.is_absent();
}

template <typename T>
truth ordered(node_op op, T l, T r) noexcept {
    switch (op) {
    case node_op::equal: return to_truth(l == r);
    case node_op::not_equal: return to_truth(l != r);
    case node_op::less: return to_truth(l < r);
    case node_op::less_equal: return to_truth(l <= r);
    case node_op::greater: return to_truth(l > r);
    case node_op::greater_equal: return to_truth(l >= r);
    default: return truth::unknown;
    }
}

// JMS comparison: NULL on either side is unknown; values of unlike types
// compare false ("the value of the operation is false"); strings and
// booleans have only = and <>.
truth compare(node_op op, selector_value l, selector_value r) noexcept {
    if (l.is_absent() || r.is_absent()) return truth::unknown;
    if (l.is_numeric() != r.is_numeric()) {
        if (!coerce_to_number(l) || !coerce_to_number(r)) return truth::false_value;
    }
    if (l.is_numeric()) {
        if (l.type() == kind::integer && r.type() == kind::integer)
            return ordered(op, l.as_integer(), r.as_integer());
        return ordered(op, l.as_double(), r.as_double());
    }
    if (l.type() != r.type() || (op != node_op::equal && op != node_op::not_equal)) return truth::false_value;
    if (l.type() == kind::string) return ordered(op, l.as_string(), r.as_string());
    return ordered(op, l.as_bool(), r.as_bool());
}

// Java long arithmetic wraps; unsigned arithmetic gives the same bits
// without C++'s undefined signed overflow.
std::int64_t wrap(std::uint64_t bits) noexcept { return static_cast<std::int64_t>(bits); }
std::uint64_t bits(std::int64_t v) noexcept { return static_cast<std::uint64_t>(v); }

// NULL in, NULL out; an operand that is not a number (a boolean, a string
// that spells none) or a division by zero also gives NULL, so the
// comparison around it is unknown.
selector_value arithmetic(node_op op, selector_value l, selector_value r) noexcept {
    if (!coerce_to_number(l) || !coerce_to_number(r)) return {};
    if (l.type() == kind::integer && r.type() == kind::integer) {
        const std::int64_t a = l.as_integer();
        const std::int64_t b = r.as_integer();
        switch (op) {
        case node_op::add: return selector_value::integer(wrap(bits(a) + bits(b)));
        case node_op::subtract: return selector_value::integer(wrap(bits(a) - bits(b)));
        case node_op::multiply: return selector_value::integer(wrap(bits(a) * bits(b)));
        default:
            if (b == 0) return {};
            if (b == -1) return selector_value::integer(wrap(0 - bits(a)));
            return selector_value::integer(a / b);
        }
    }
    const double a = l.as_double();
    const double b = r.as_double();
    switch (op) {
    case node_op::add: return selector_value::real(a + b);
    case node_op::subtract: return selector_value::real(a - b);
    case node_op::multiply: return selector_value::real(a * b);
    default: return b == 0 ? selector_value{} : selector_value::real(a / b);
    }
}

// A value where a condition is expected: only a boolean has a truth value.
truth truth_of(selector_value v) noexcept {
    return v.type() == kind::boolean ? to_truth(v.as_bool()) : truth::unknown;
}

} // namespace

std::uint32_t selector_program::add_node(selector_node node) {
    nodes_.push_back(node);
    return static_cast<std::uint32_t>(nodes_.size() - 1);
}

std::uint32_t selector_program::add_literal(selector_value value) {
    values_.push_back(value);
    return add_node({node_op::literal, static_cast<std::uint32_t>(values_.size() - 1)});
}

std::uint32_t selector_program::add_string_literal(std::string text) {
    strings_.push_back(std::move(text));
    return add_literal(selector_value::string(strings_.back()));
}

std::uint32_t selector_program::add_identifier(std::string_view name) {
    names_.push_back(name);
    return add_node({node_op::identifier, static_cast<std::uint32_t>(names_.size() - 1)});
}

std::uint32_t selector_program::add_operands(const std::vector<std::uint32_t>& operands) {
    const auto start = static_cast<std::uint32_t>(operands_.size());
    operands_.insert(operands_.end(), operands.begin(), operands.end());
    return start;
}

std::uint32_t selector_program::add_in_list(std::vector<std::string> strings) {
    in_list list;
    for (auto& s : strings) {
        strings_.push_back(std::move(s));
        list.sorted.push_back(strings_.back());
        const selector_value number = parse_numeric_text(strings_.back());
        if (!number.is_absent()) list.numbers.push_back(number);
    }
    std::sort(list.sorted.begin(), list.sorted.end());
    list.sorted.erase(std::unique(list.sorted.begin(), list.sorted.end()), list.sorted.end());
    in_lists_.push_back(std::move(list));
    return static_cast<std::uint32_t>(in_lists_.size() - 1);
}

std::uint32_t selector_program::add_pattern(like_pattern pattern) {
    patterns_.push_back(std::move(pattern));
    return static_cast<std::uint32_t>(patterns_.size() - 1);
}

truth selector_program::test(std::uint32_t index, const selector_subject& subject) const noexcept {
    const selector_node& n = nodes_[index];
    switch (n.op) {
    case node_op::logical_and: {
        truth result = truth::true_value;
        for (std::uint32_t k = 0; k < n.second; ++k) {
            result = truth_and(result, test(operands_[n.first + k], subject));
            if (result == truth::false_value) break;
        }
        return result;
    }
    case node_op::logical_or: {
        truth result = truth::false_value;
        for (std::uint32_t k = 0; k < n.second; ++k) {
            result = truth_or(result, test(operands_[n.first + k], subject));
            if (result == truth::true_value) break;
        }
        return result;
    }
    case node_op::logical_not: return truth_not(test(n.first, subject));
    case node_op::equal:
    case node_op::not_equal:
    case node_op::less:
    case node_op::less_equal:
    case node_op::greater:
    case node_op::greater_equal: return compare(n.op, value(n.first, subject), value(n.second, subject));
    case node_op::between:
    case node_op::not_between: {
        // JMS defines both by their expansions: a >= lo AND a <= hi, and
        // a < lo OR a > hi. NOT BETWEEN is therefore not NOT (BETWEEN)
        // when types differ: both are false.
        const selector_value v = value(n.first, subject);
        const selector_value low = value(n.second, subject);
        const selector_value high = value(n.third, subject);
        if (n.op == node_op::between)
            return truth_and(compare(node_op::greater_equal, v, low), compare(node_op::less_equal, v, high));
        return truth_or(compare(node_op::less, v, low), compare(node_op::greater, v, high));
    }
    case node_op::in:
    case node_op::not_in: return test_in(n, subject);
    case node_op::like:
    case node_op::not_like: return test_like(n, subject);
    case node_op::is_null:
    case node_op::is_not_null:
        return to_truth(value(n.first, subject).is_absent() == (n.op == node_op::is_null));
    case node_op::literal:
    case node_op::identifier:
    case node_op::add:
    case node_op::subtract:
    case node_op::multiply:
    case node_op::divide:
    case node_op::negate: return truth_of(value(index, subject));
    }
    return truth::unknown;
}

selector_value selector_program::value(std::uint32_t index, const selector_subject& subject) const noexcept {
    const selector_node& n = nodes_[index];
    switch (n.op) {
    case node_op::literal: return values_[n.first];
    case node_op::identifier: return subject.property(names_[n.first]);
    case node_op::add:
    case node_op::subtract:
    case node_op::multiply:
    case node_op::divide: return arithmetic(n.op, value(n.first, subject), value(n.second, subject));
    case node_op::negate: return arithmetic(node_op::subtract, selector_value::integer(0), value(n.first, subject));
    default: {
        const truth t = test(index, subject);
        return t == truth::unknown ? selector_value{} : selector_value::boolean(t == truth::true_value);
    }
    }
}

// IN is the OR of = over the list, NOT IN its negation (JMS); a NULL
// value makes both unknown.
truth selector_program::test_in(const selector_node& n, const selector_subject& subject) const noexcept {
    const selector_value v = value(n.first, subject);
    if (v.is_absent()) return truth::unknown;
    const in_list& list = in_lists_[n.second];
    bool found = false;
    if (v.type() == kind::string) {
        found = std::binary_search(list.sorted.begin(), list.sorted.end(), v.as_string());
    } else if (v.is_numeric()) {
        for (const selector_value& number : list.numbers)
            if (compare(node_op::equal, v, number) == truth::true_value) {
                found = true;
                break;
            }
    }
    return to_truth(found == (n.op == node_op::in));
}

// LIKE applies to strings; a NULL value is unknown, any other type false
// (and NOT LIKE, its negation, true).
truth selector_program::test_like(const selector_node& n, const selector_subject& subject) const noexcept {
    const selector_value v = value(n.first, subject);
    if (v.is_absent()) return truth::unknown;
    const bool match = v.type() == kind::string && patterns_[n.second].matches(v.as_string());
    return to_truth(match == (n.op == node_op::like));
}

} // namespace gantry::core
