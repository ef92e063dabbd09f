#include "selector_lexer.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace gantry::core {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Java identifier characters. Every non-ASCII byte is accepted: a UTF-8
// letter is made of them, and telling Unicode letters from symbols would
// need tables no selector in practice exercises.
bool is_identifier_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
}
bool is_identifier_part(char c) { return is_identifier_start(c) || is_digit(c); }

bool equals_ignoring_case(std::string_view a, std::string_view upper) {
    if (a.size() != upper.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c != upper[i]) return false;
    }
    return true;
}

constexpr std::array<std::pair<std::string_view, token_kind>, 11> reserved_words{{
    {"AND", token_kind::kw_and},
    {"OR", token_kind::kw_or},
    {"NOT", token_kind::kw_not},
    {"BETWEEN", token_kind::kw_between},
    {"LIKE", token_kind::kw_like},
    {"IN", token_kind::kw_in},
    {"IS", token_kind::kw_is},
    {"ESCAPE", token_kind::kw_escape},
    {"NULL", token_kind::kw_null},
    {"TRUE", token_kind::kw_true},
    {"FALSE", token_kind::kw_false},
}};

token_kind word_kind(std::string_view word) {
    for (const auto& [spelling, kind] : reserved_words)
        if (equals_ignoring_case(word, spelling)) return kind;
    return token_kind::identifier;
}

// Accumulates digits of `base` into `value`; false on 64-bit overflow.
bool accumulate(std::string_view digits, unsigned base, std::uint64_t& value) {
    value = 0;
    for (char c : digits) {
        unsigned d = 0;
        if (is_digit(c)) d = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
        else d = static_cast<unsigned>(c - 'A' + 10);
        if (value > (std::numeric_limits<std::uint64_t>::max() - d) / base) return false;
        value = value * base + d;
    }
    return true;
}

bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

class lexer {
public:
    lexer(std::string_view text, lexer_failure& failure) : text_(text), failure_(failure) {}

    bool run(std::vector<selector_token>& tokens) {
        while (true) {
            skip_blanks();
            selector_token token;
            token.offset = pos_;
            if (pos_ == text_.size()) {
                tokens.push_back(std::move(token));
                return true;
            }
            if (!next(token)) return false;
            token.spelling = text_.substr(token.offset, pos_ - token.offset);
            tokens.push_back(std::move(token));
        }
    }

private:
    char peek(std::size_t ahead = 0) const {
        return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
    }

    void skip_blanks() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                                       text_[pos_] == '\r' || text_[pos_] == '\f'))
            ++pos_;
    }

    bool fail(std::size_t offset, std::string reason, selector_errc code = selector_errc::syntax_error) {
        failure_.code = code;
        failure_.offset = offset;
        failure_.reason = std::move(reason);
        return false;
    }

    bool next(selector_token& token) {
        const char c = peek();
        if (is_identifier_start(c)) {
            while (is_identifier_part(peek())) ++pos_;
            token.kind = word_kind(text_.substr(token.offset, pos_ - token.offset));
            return true;
        }
        if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return number(token);
        if (c == '\'') return string_literal(token);
        ++pos_;
        switch (c) {
        case '=': token.kind = token_kind::equal; return true;
        case '+': token.kind = token_kind::plus; return true;
        case '-': token.kind = token_kind::minus; return true;
        case '*': token.kind = token_kind::star; return true;
        case '/': token.kind = token_kind::slash; return true;
        case '(': token.kind = token_kind::left_paren; return true;
        case ')': token.kind = token_kind::right_paren; return true;
        case ',': token.kind = token_kind::comma; return true;
        case '<':
            if (peek() == '>') { ++pos_; token.kind = token_kind::not_equal; }
            else if (peek() == '=') { ++pos_; token.kind = token_kind::less_equal; }
            else token.kind = token_kind::less;
            return true;
        case '>':
            if (peek() == '=') { ++pos_; token.kind = token_kind::greater_equal; }
            else token.kind = token_kind::greater;
            return true;
        case '!':
            return fail(token.offset, "unexpected character '!' (not equal is written <>)");
        case '"':
            return fail(token.offset, "unexpected character '\"' (string literals use single quotes)");
        default: {
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                return fail(token.offset, "unexpected control character");
            std::string reason = "unexpected character '";
            reason.push_back(c);
            reason.push_back('\'');
            return fail(token.offset, std::move(reason));
        }
        }
    }

    bool string_literal(selector_token& token) {
        ++pos_; // opening quote
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (c != '\'') {
                token.text.push_back(c);
            } else if (peek() == '\'') {
                token.text.push_back('\'');
                ++pos_;
            } else {
                token.kind = token_kind::string_literal;
                return true;
            }
        }
        return fail(token.offset, "unterminated string literal", selector_errc::invalid_literal);
    }

    bool number(selector_token& token) {
        const std::size_t start = pos_;
        if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) return hex_number(token);
        while (is_digit(peek())) ++pos_;
        bool real = false;
        if (peek() == '.') {
            real = true;
            ++pos_;
            while (is_digit(peek())) ++pos_;
        }
        if (peek() == 'e' || peek() == 'E') {
            std::size_t k = 1;
            if (peek(k) == '+' || peek(k) == '-') ++k;
            if (!is_digit(peek(k))) return fail(pos_, "exponent without digits in numeric literal", selector_errc::invalid_literal);
            real = true;
            pos_ += k;
            while (is_digit(peek())) ++pos_;
        }
        const std::size_t digits_end = pos_;
        if (peek() == 'f' || peek() == 'F' || peek() == 'd' || peek() == 'D') {
            real = true;
            ++pos_;
        } else if (!real && (peek() == 'l' || peek() == 'L')) {
            ++pos_;
        }
        if (is_identifier_part(peek()) || peek() == '.') return fail(start, "malformed numeric literal", selector_errc::invalid_literal);
        const std::string_view digits = text_.substr(start, digits_end - start);
        if (real) return real_number(token, digits);

        token.kind = token_kind::integer_literal;
        if (digits.size() > 1 && digits[0] == '0') { // octal, as in Java
            for (char c : digits)
                if (c > '7') return fail(start, "invalid digit in octal literal", selector_errc::invalid_literal);
            token.decimal = false;
            if (!accumulate(digits.substr(1), 8, token.magnitude))
                return fail(start, "integer literal out of range", selector_errc::invalid_literal);
            return true;
        }
        constexpr std::uint64_t most_negative = std::uint64_t{1} << 63;
        if (!accumulate(digits, 10, token.magnitude) || token.magnitude > most_negative)
            return fail(start, "integer literal out of range", selector_errc::invalid_literal);
        return true;
    }

    bool hex_number(selector_token& token) {
        const std::size_t start = pos_;
        pos_ += 2;
        while (is_hex_digit(peek())) ++pos_;
        const std::string_view digits = text_.substr(start + 2, pos_ - start - 2);
        if (peek() == 'l' || peek() == 'L') ++pos_;
        if (digits.empty() || is_identifier_part(peek()) || peek() == '.')
            return fail(start, "malformed hexadecimal literal", selector_errc::invalid_literal);
        token.kind = token_kind::integer_literal;
        token.decimal = false;
        if (!accumulate(digits, 16, token.magnitude)) return fail(start, "integer literal out of range", selector_errc::invalid_literal);
        return true;
    }

    bool real_number(selector_token& token, std::string_view digits) {
        double value = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec != std::errc{} || end != digits.data() + digits.size() || !std::isfinite(value))
            return fail(token.offset, "numeric literal out of the range of a double", selector_errc::invalid_literal);
        token.kind = token_kind::real_literal;
        token.real = value;
        return true;
    }

    std::string_view text_;
    lexer_failure& failure_;
    std::size_t pos_ = 0;
};

} // namespace

bool tokenize(std::string_view text, std::vector<selector_token>& tokens, lexer_failure& failure) {
    return lexer(text, failure).run(tokens);
}

std::string describe(const selector_token& token) {
    std::string text;
    switch (token.kind) {
    case token_kind::end: return "end of selector";
    case token_kind::identifier: text = "identifier '"; break;
    case token_kind::string_literal: text = "string "; break;
    case token_kind::integer_literal:
    case token_kind::real_literal: text = "number "; break;
    default: text = "'"; break;
    }
    text.append(token.spelling);
    if (token.kind == token_kind::identifier || token.kind > token_kind::real_literal) text.push_back('\'');
    return text;
}

} // namespace gantry::core
