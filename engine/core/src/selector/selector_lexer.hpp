#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/core/selector/selector_error.hpp"

namespace gantry::core {

enum class token_kind : std::uint8_t {
    end,
    identifier,
    string_literal,
    integer_literal,
    real_literal,
    // Reserved words, matched case-insensitively.
    kw_and, kw_or, kw_not, kw_between, kw_like, kw_in, kw_is, kw_escape,
    kw_null, kw_true, kw_false,
    equal, not_equal, less, less_equal, greater, greater_equal,
    plus, minus, star, slash, left_paren, right_paren, comma,
};

struct selector_token {
    token_kind kind = token_kind::end;
    std::size_t offset = 0;    // byte offset of the first character
    std::string_view spelling; // the token as written
    std::string text;          // a string literal with '' undone
    // An integer literal's bits: decimal literals hold their magnitude (so
    // the parser can accept -9223372036854775808), hex and octal ones their
    // two's-complement value, as in Java.
    std::uint64_t magnitude = 0;
    bool decimal = true;
    double real = 0;
};

// A lexical error: the byte offset and a sentence for the diagnostic.
struct lexer_failure {
    selector_errc code = selector_errc::syntax_error;
    std::size_t offset = 0;
    std::string reason;
};

// Splits selector text into tokens, ending with token_kind::end. Returns
// false and fills `failure` on a lexical error.
bool tokenize(std::string_view text, std::vector<selector_token>& tokens, lexer_failure& failure);

// "identifier 'abc'", "')'", "end of selector": how messages name a token.
std::string describe(const selector_token& token);

} // namespace gantry::core
