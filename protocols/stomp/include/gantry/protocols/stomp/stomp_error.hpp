#pragma once

#include <string>
#include <system_error>

namespace gantry::protocols::stomp {

// Why the STOMP codec refused bytes or a frame. New values go at the end and
// existing ones are never renumbered.
enum class stomp_errc {
    frame_too_large = 1,    // over the maximum frame size (command, headers and body)
    too_many_headers,       // over the maximum header count
    header_too_long,        // one header line over the maximum header length
    unknown_command,        // not a STOMP 1.2 command
    malformed_header,       // a header line without ':' or with an empty name
    invalid_escape,         // '\' followed by anything but the version's escapes (1.1, 1.2)
    invalid_utf8,           // a command or header that is not UTF-8
    invalid_content_length, // not a decimal number of octets, or over the maximum frame size
    missing_null,           // the octet after content-length octets of body is not NUL
    unencodable_header,     // encode: 1.0 or a CONNECT/CONNECTED header with an octet it cannot escape
};

const std::error_category& stomp_category() noexcept;

inline std::error_code make_error_code(stomp_errc e) noexcept {
    return {static_cast<int>(e), stomp_category()};
}

// A decode failure as the session reports it: `message` is short enough for
// an ERROR frame's message header ("header line 3 has no ':'"), and tells
// the client what was wrong.
struct stomp_diagnostic {
    std::error_code code;
    std::string message;
};

} // namespace gantry::protocols::stomp

template <>
struct std::is_error_code_enum<gantry::protocols::stomp::stomp_errc> : std::true_type {};
