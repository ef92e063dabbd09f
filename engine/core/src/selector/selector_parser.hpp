#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/core/selector/selector.hpp"
#include "selector_lexer.hpp"
#include "selector_program.hpp"

namespace gantry::core {

struct parse_failure {
    selector_errc code = selector_errc::syntax_error;
    std::size_t offset = 0; // bytes
    std::string reason;
};

// Recursive descent over the JMS selector grammar (docs/selectors.md),
// building `program`'s nodes bottom-up so the root comes last. Operand
// types that can never fit their operator ('a' + 1, NOT 5) are refused
// here rather than left to be false on every message.
class selector_parser {
public:
    selector_parser(selector_program& program, const selector_limits& limits) : program_(program), limits_(limits) {}

    // Parses program.text(); false leaves the cause in failure().
    bool parse();
    const parse_failure& failure() const noexcept { return failure_; }

private:
    enum class shape : std::uint8_t { condition, numeric, string, any };
    struct operand {
        std::uint32_t node = 0;
        shape type = shape::any;
        std::size_t offset = 0; // where its text starts
        int height = 1;         // of its tree
        bool identifier = false;
    };

    bool parse_or(operand& out);
    bool parse_and(operand& out);
    bool parse_not(operand& out);
    bool parse_chain(token_kind keyword, node_op op, const char* name, bool (selector_parser::*parse_term)(operand&),
                     operand& out);
    bool parse_comparison(operand& out);
    bool parse_additive(operand& out);
    bool parse_multiplicative(operand& out);
    bool parse_unary(operand& out);
    bool parse_primary(operand& out);
    bool parse_between(const operand& value, bool negated, operand& out);
    bool parse_in(const operand& value, bool negated, operand& out);
    bool parse_like(const operand& value, bool negated, operand& out);
    bool parse_is(const operand& value, operand& out);
    bool parse_integer(const selector_token& token, bool negative, operand& out);

    bool make(selector_node node, shape type, std::size_t offset, int child_height, operand& out);
    bool require_condition(const operand& o, std::string_view where);
    bool require_number(const operand& o, std::string_view where);
    bool check_depth(int height, std::size_t offset);

    const selector_token& peek() const { return tokens_[next_]; }
    const selector_token& take() { return tokens_[next_++]; }
    bool accept(token_kind kind);
    bool fail(selector_errc code, std::size_t offset, std::string reason);
    bool expected(std::string_view what);

    selector_program& program_;
    const selector_limits& limits_;
    std::vector<selector_token> tokens_;
    std::size_t next_ = 0;
    int depth_ = 0;
    parse_failure failure_;
};

} // namespace gantry::core
