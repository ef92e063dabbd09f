#pragma once

#include <cstdint>
#include <system_error>

namespace gantry::protocols::websocket {

// Why the frame reader refused a peer's bytes (RFC 6455). New values go at
// the end and existing ones are never renumbered.
enum class websocket_errc {
    unmasked_frame = 1,      // a client frame without the mask bit (§5.1)
    reserved_bits,           // RSV1-3 set, and no extension was negotiated (§5.2)
    unknown_opcode,          // opcodes 3-7 and 11-15 (§5.2)
    fragmented_control,      // a close, ping or pong without FIN (§5.5)
    control_too_long,        // a control frame payload over 125 bytes (§5.5)
    unexpected_continuation, // a continuation frame with no message begun (§5.4)
    unfinished_message,      // a new text or binary frame while a message is unfinished (§5.4)
    invalid_length,          // a 64-bit length with its top bit set, or not in its shortest form (§5.2)
    message_too_big,         // a message over the route's maximum frame size
    text_refused,            // a text message where the subprotocol speaks only binary (MQTT)
    invalid_utf8,            // a text message or close reason that is not UTF-8 (§8.1)
    invalid_close_payload,   // a close payload of one byte, or a status code no peer may send (§7.4)
};

const std::error_category& websocket_category() noexcept;

inline std::error_code make_error_code(websocket_errc e) noexcept {
    return {static_cast<int>(e), websocket_category()};
}

// The close status codes a server sends (RFC 6455 §7.4.1).
enum class close_status : std::uint16_t {
    normal = 1000,
    going_away = 1001,
    protocol_error = 1002,
    unsupported_data = 1003,
    invalid_payload = 1007,
    message_too_big = 1009,
    internal_error = 1011,
};

// The status that answers a refusal: 1009 for message_too_big, 1003 for
// text_refused, 1007 for invalid_utf8, 1002 for the rest.
close_status close_status_for(websocket_errc e) noexcept;

} // namespace gantry::protocols::websocket

template <>
struct std::is_error_code_enum<gantry::protocols::websocket::websocket_errc> : std::true_type {};
