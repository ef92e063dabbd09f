#include "selector_parser.hpp"

#include <algorithm>
#include <limits>

namespace gantry::core {

namespace {

// Counts one level of parser recursion for as long as it lives.
class nesting_guard {
public:
    explicit nesting_guard(int& depth) : depth_(depth) { ++depth_; }
    ~nesting_guard() { --depth_; }
    nesting_guard(const nesting_guard&) = delete;
    nesting_guard& operator=(const nesting_guard&) = delete;

private:
    int& depth_;
};

bool is_comparison(token_kind k) {
    return k == token_kind::equal || k == token_kind::not_equal || k == token_kind::less ||
           k == token_kind::less_equal || k == token_kind::greater || k == token_kind::greater_equal;
}

node_op comparison_op(token_kind k) {
    switch (k) {
    case token_kind::equal: return node_op::equal;
    case token_kind::not_equal: return node_op::not_equal;
    case token_kind::less: return node_op::less;
    case token_kind::less_equal: return node_op::less_equal;
    case token_kind::greater: return node_op::greater;
    default: return node_op::greater_equal;
    }
}

bool is_reserved(token_kind k) { return k >= token_kind::kw_and && k <= token_kind::kw_escape; }

} // namespace

bool selector_parser::parse() {
    lexer_failure lexical;
    if (!tokenize(program_.text(), tokens_, lexical))
        return fail(lexical.code, lexical.offset, lexical.reason);
    operand root;
    if (!parse_or(root)) return false;
    if (peek().kind != token_kind::end) {
        if (is_comparison(peek().kind))
            return fail(selector_errc::syntax_error, peek().offset,
                        "comparisons cannot be chained; combine them with AND");
        return expected("AND, OR or the end of the selector");
    }
    return require_condition(root, "a selector");
}

bool selector_parser::parse_or(operand& out) {
    nesting_guard guard(depth_);
    if (!check_depth(depth_, peek().offset)) return false;
    return parse_chain(token_kind::kw_or, node_op::logical_or, "OR", &selector_parser::parse_and, out);
}

bool selector_parser::parse_and(operand& out) {
    return parse_chain(token_kind::kw_and, node_op::logical_and, "AND", &selector_parser::parse_not, out);
}

// `term (keyword term)*` flattened into one n-ary node, so long AND / OR
// chains stay shallow.
bool selector_parser::parse_chain(token_kind keyword, node_op op, const char* name,
                                  bool (selector_parser::*parse_term)(operand&), operand& out) {
    std::vector<std::uint32_t> terms;
    operand term;
    if (!(this->*parse_term)(term)) return false;
    int height = term.height;
    const std::size_t offset = term.offset;
    while (accept(keyword)) {
        if (terms.empty()) {
            if (!require_condition(term, name)) return false;
            terms.push_back(term.node);
        }
        if (!(this->*parse_term)(term) || !require_condition(term, name)) return false;
        terms.push_back(term.node);
        height = std::max(height, term.height);
    }
    if (terms.empty()) {
        out = term;
        return true;
    }
    const std::uint32_t first = program_.add_operands(terms);
    return make({op, first, static_cast<std::uint32_t>(terms.size())}, shape::condition, offset, height, out);
}

bool selector_parser::parse_not(operand& out) {
    if (peek().kind != token_kind::kw_not) return parse_comparison(out);
    nesting_guard guard(depth_);
    const std::size_t offset = take().offset;
    if (!check_depth(depth_, offset)) return false;
    operand inner;
    if (!parse_not(inner) || !require_condition(inner, "NOT")) return false;
    return make({node_op::logical_not, inner.node}, shape::condition, offset, inner.height, out);
}

bool selector_parser::parse_comparison(operand& out) {
    operand left;
    if (!parse_additive(left)) return false;
    const token_kind k = peek().kind;
    if (is_comparison(k)) {
        take();
        operand right;
        if (!parse_additive(right)) return false;
        const node_op op = comparison_op(k);
        if (op != node_op::equal && op != node_op::not_equal) {
            for (const operand* o : {&left, &right})
                if (o->type == shape::string || o->type == shape::condition)
                    return fail(selector_errc::type_error, o->offset,
                                "strings and booleans compare only with = and <>");
        }
        if (!make({op, left.node, right.node}, shape::condition, left.offset, std::max(left.height, right.height),
                  out))
            return false;
        if (is_comparison(peek().kind))
            return fail(selector_errc::syntax_error, peek().offset,
                        "comparisons cannot be chained; combine them with AND");
        return true;
    }
    bool negated = false;
    if (k == token_kind::kw_not) {
        take();
        negated = true;
        const token_kind after = peek().kind;
        if (after != token_kind::kw_between && after != token_kind::kw_in && after != token_kind::kw_like)
            return expected("BETWEEN, IN or LIKE after NOT");
    }
    switch (peek().kind) {
    case token_kind::kw_between: take(); return parse_between(left, negated, out);
    case token_kind::kw_in: take(); return parse_in(left, negated, out);
    case token_kind::kw_like: take(); return parse_like(left, negated, out);
    case token_kind::kw_is: take(); return parse_is(left, out);
    default: out = left; return true;
    }
}

bool selector_parser::parse_between(const operand& value, bool negated, operand& out) {
    if (!require_number(value, "BETWEEN")) return false;
    operand low;
    operand high;
    if (!parse_additive(low) || !require_number(low, "BETWEEN")) return false;
    if (!accept(token_kind::kw_and)) return expected("AND between the bounds of BETWEEN");
    if (!parse_additive(high) || !require_number(high, "BETWEEN")) return false;
    return make({negated ? node_op::not_between : node_op::between, value.node, low.node, high.node},
                shape::condition, value.offset, std::max({value.height, low.height, high.height}), out);
}

bool selector_parser::parse_in(const operand& value, bool negated, operand& out) {
    if (!value.identifier)
        return fail(selector_errc::syntax_error, value.offset, "the left side of IN must be an identifier");
    if (!accept(token_kind::left_paren)) return expected("'(' after IN");
    std::vector<std::string> strings;
    while (true) {
        if (peek().kind != token_kind::string_literal)
            return expected(strings.empty() ? "a string literal in the IN list" : "a string literal after ','");
        strings.push_back(take().text);
        if (accept(token_kind::right_paren)) break;
        if (!accept(token_kind::comma)) return expected("')' after IN list");
    }
    const std::uint32_t list = program_.add_in_list(std::move(strings));
    return make({negated ? node_op::not_in : node_op::in, value.node, list}, shape::condition, value.offset,
                value.height, out);
}

bool selector_parser::parse_like(const operand& value, bool negated, operand& out) {
    if (!value.identifier)
        return fail(selector_errc::syntax_error, value.offset, "the left side of LIKE must be an identifier");
    if (peek().kind != token_kind::string_literal) return expected("a string pattern after LIKE");
    const selector_token& pattern = take();
    std::string escape;
    if (accept(token_kind::kw_escape)) {
        if (peek().kind != token_kind::string_literal) return expected("a string after ESCAPE");
        const selector_token& e = take();
        const std::size_t code_points = static_cast<std::size_t>(std::count_if(
            e.text.begin(), e.text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
        if (code_points != 1)
            return fail(selector_errc::invalid_pattern, e.offset, "ESCAPE takes exactly one character");
        escape = e.text;
    }
    like_pattern compiled;
    std::string reason;
    if (!compiled.compile(pattern.text, escape, reason))
        return fail(selector_errc::invalid_pattern, pattern.offset, reason);
    const std::uint32_t index = program_.add_pattern(std::move(compiled));
    return make({negated ? node_op::not_like : node_op::like, value.node, index}, shape::condition, value.offset,
                value.height, out);
}

bool selector_parser::parse_is(const operand& value, operand& out) {
    const bool negated = accept(token_kind::kw_not);
    if (!accept(token_kind::kw_null)) return expected(negated ? "NULL after IS NOT" : "NULL or NOT NULL after IS");
    return make({negated ? node_op::is_not_null : node_op::is_null, value.node}, shape::condition, value.offset,
                value.height, out);
}

bool selector_parser::parse_additive(operand& out) {
    if (!parse_multiplicative(out)) return false;
    while (peek().kind == token_kind::plus || peek().kind == token_kind::minus) {
        const node_op op = take().kind == token_kind::plus ? node_op::add : node_op::subtract;
        operand right;
        if (!require_number(out, "arithmetic") || !parse_multiplicative(right) || !require_number(right, "arithmetic"))
            return false;
        if (!make({op, out.node, right.node}, shape::numeric, out.offset, std::max(out.height, right.height), out))
            return false;
    }
    return true;
}

bool selector_parser::parse_multiplicative(operand& out) {
    if (!parse_unary(out)) return false;
    while (peek().kind == token_kind::star || peek().kind == token_kind::slash) {
        const node_op op = take().kind == token_kind::star ? node_op::multiply : node_op::divide;
        operand right;
        if (!require_number(out, "arithmetic") || !parse_unary(right) || !require_number(right, "arithmetic"))
            return false;
        if (!make({op, out.node, right.node}, shape::numeric, out.offset, std::max(out.height, right.height), out))
            return false;
    }
    return true;
}

bool selector_parser::parse_unary(operand& out) {
    const token_kind k = peek().kind;
    if (k != token_kind::plus && k != token_kind::minus) return parse_primary(out);
    nesting_guard guard(depth_);
    const std::size_t offset = take().offset;
    if (!check_depth(depth_, offset)) return false;
    const bool negative = k == token_kind::minus;
    // A sign directly before a literal is part of it, so the most negative
    // long is writable.
    if (peek().kind == token_kind::integer_literal) {
        if (!parse_integer(take(), negative, out)) return false;
        out.offset = offset;
        return true;
    }
    if (peek().kind == token_kind::real_literal) {
        const double v = take().real;
        out = {program_.add_literal(selector_value::real(negative ? -v : v)), shape::numeric, offset, 1, false};
        return true;
    }
    operand inner;
    if (!parse_unary(inner) || !require_number(inner, "arithmetic")) return false;
    if (!negative) {
        out = inner;
        out.offset = offset;
        return true;
    }
    return make({node_op::negate, inner.node}, shape::numeric, offset, inner.height, out);
}

bool selector_parser::parse_integer(const selector_token& token, bool negative, operand& out) {
    constexpr std::uint64_t max = std::numeric_limits<std::int64_t>::max();
    std::uint64_t bits = token.magnitude;
    if (token.decimal && bits > max + (negative ? 1 : 0))
        return fail(selector_errc::invalid_literal, token.offset, "integer literal out of range");
    if (negative) bits = 0 - bits;
    out = {program_.add_literal(selector_value::integer(static_cast<std::int64_t>(bits))), shape::numeric,
           token.offset, 1, false};
    return true;
}

bool selector_parser::parse_primary(operand& out) {
    const selector_token& token = peek();
    switch (token.kind) {
    case token_kind::left_paren: {
        take();
        if (!parse_or(out)) return false;
        if (!accept(token_kind::right_paren))
            return expected("')' to close '('");
        out.offset = token.offset;
        return true;
    }
    case token_kind::identifier:
        take();
        out = {program_.add_identifier(token.spelling), shape::any, token.offset, 1, true};
        return true;
    case token_kind::string_literal:
        take();
        out = {program_.add_string_literal(token.text), shape::string, token.offset, 1, false};
        return true;
    case token_kind::integer_literal: take(); return parse_integer(token, false, out);
    case token_kind::real_literal:
        take();
        out = {program_.add_literal(selector_value::real(token.real)), shape::numeric, token.offset, 1, false};
        return true;
    case token_kind::kw_true:
    case token_kind::kw_false:
        take();
        out = {program_.add_literal(selector_value::boolean(token.kind == token_kind::kw_true)), shape::condition,
               token.offset, 1, false};
        return true;
    case token_kind::kw_null:
        return fail(selector_errc::syntax_error, token.offset,
                    "NULL is not a value; test for it with IS NULL or IS NOT NULL");
    default:
        if (is_reserved(token.kind))
            return fail(selector_errc::syntax_error, token.offset,
                        "expected an operand, found reserved word '" + std::string(token.spelling) + "'");
        return expected("an identifier, a literal or '('");
    }
}

bool selector_parser::make(selector_node node, shape type, std::size_t offset, int child_height, operand& out) {
    if (!check_depth(child_height + 1, offset)) return false;
    out = {program_.add_node(node), type, offset, child_height + 1, false};
    return true;
}

bool selector_parser::check_depth(int height, std::size_t offset) {
    if (height <= limits_.max_depth) return true;
    return fail(selector_errc::too_deep, offset,
                "expression nested deeper than " + std::to_string(limits_.max_depth) + " levels");
}

bool selector_parser::require_condition(const operand& o, std::string_view where) {
    if (o.type == shape::condition || o.type == shape::any) return true;
    return fail(selector_errc::type_error, o.offset,
                std::string(where) + " needs a condition, found a " +
                    (o.type == shape::string ? "string" : "numeric expression"));
}

bool selector_parser::require_number(const operand& o, std::string_view where) {
    if (o.type == shape::numeric || o.type == shape::any) return true;
    return fail(selector_errc::type_error, o.offset,
                std::string(where) + " needs a number, found a " +
                    (o.type == shape::string ? "string" : "condition"));
}

bool selector_parser::accept(token_kind kind) {
    if (peek().kind != kind) return false;
    ++next_;
    return true;
}

bool selector_parser::fail(selector_errc code, std::size_t offset, std::string reason) {
    failure_ = {code, offset, std::move(reason)};
    return false;
}

bool selector_parser::expected(std::string_view what) {
    return fail(selector_errc::syntax_error, peek().offset, "expected " + std::string(what) + ", found " + describe(peek()));
}

} // namespace gantry::core
