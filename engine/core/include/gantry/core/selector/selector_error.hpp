#pragma once

#include <cstddef>
#include <string>
#include <system_error>

namespace gantry::core {

// Why a selector was refused. Details (where, and a sentence) travel in a
// selector_diagnostic beside the code.
enum class selector_errc {
    syntax_error = 1,  // unexpected token, missing operand or parenthesis
    invalid_literal,   // unterminated string, malformed or out-of-range number
    invalid_pattern,   // ESCAPE is not one character, or a pattern ends with it
    type_error,        // an operand that can never have the type the operator needs
    too_long,          // longer than selector_limits::max_length
    too_deep,          // nested deeper than selector_limits::max_depth
};

const std::error_category& selector_category() noexcept;

inline std::error_code make_error_code(selector_errc e) noexcept {
    return {static_cast<int>(e), selector_category()};
}

// Where and why a selector was refused, for the protocol to send back:
// to_string() gives "selector error at position 17: expected ')' after IN list".
struct selector_diagnostic {
    std::error_code code;
    std::size_t position = 0;    // code points from the start (0-based)
    std::size_t byte_offset = 0; // the same place in UTF-8 bytes
    std::string reason;

    std::string to_string() const;
};

} // namespace gantry::core

template <>
struct std::is_error_code_enum<gantry::core::selector_errc> : std::true_type {};
