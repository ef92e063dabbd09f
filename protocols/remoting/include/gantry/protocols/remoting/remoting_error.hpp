#pragma once

#include <string>
#include <system_error>

namespace gantry::protocols::remoting {

// Why the remoting codec refused bytes or a command. New values go at the end
// and existing ones are never renumbered.
enum class remoting_errc {
    frame_too_large = 1,      // length + 4 exceeds the configured maximum frame size
    invalid_length,           // the length word is negative or shorter than the header word
    invalid_header_length,    // the header length runs past the end of the frame
    unknown_serialization,    // the header word's type byte is neither 0 (JSON) nor 1 (ROCKETMQ)
    malformed_json_header,    // not a JSON object, bad syntax, or a field of the wrong type
    malformed_binary_header,  // a ROCKETMQ header that is short or whose lengths overrun it
    field_out_of_range,       // encode: a value does not fit its wire field (e.g. i16 code)
    ext_field_missing,        // a typed ext-field look-up found no such key
    ext_field_not_a_number,   // Integer.parseInt / Long.parseLong would throw on the value
    malformed_body,           // a JSON body that is not valid JSON or has the wrong shape
};

const std::error_category& remoting_category() noexcept;

inline std::error_code make_error_code(remoting_errc e) noexcept {
    return {static_cast<int>(e), remoting_category()};
}

// A decode failure as the session logs it before closing the connection:
// the code for metrics and tests, the reason for the operator, e.g.
// "frame of 20000004 bytes exceeds the 16777216-byte limit".
struct remoting_diagnostic {
    std::error_code code;
    std::string reason;
};

} // namespace gantry::protocols::remoting

template <>
struct std::is_error_code_enum<gantry::protocols::remoting::remoting_errc> : std::true_type {};
