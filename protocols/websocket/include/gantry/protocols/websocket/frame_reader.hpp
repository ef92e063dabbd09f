#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <system_error>

#include "gantry/protocols/websocket/utf8_validator.hpp"
#include "gantry/protocols/websocket/websocket_error.hpp"

namespace gantry::protocols::websocket {

struct frame_reader_limits {
    // The most payload bytes one message (all its fragments) may carry.
    std::uint64_t max_message_size = 0;
    // Whether text messages are data (STOMP) or refused (MQTT: binary only).
    bool text_allowed = true;
};

// Decodes a client's frames (RFC 6455 §5) in place, so a connection reads a
// WebSocket into the same buffer it reads TCP into and needs none of its own:
// the data frames' payloads are unmasked and moved to the front, their headers
// and every control frame taken out. Message boundaries are not kept: the
// payloads of binary and text messages are one stream of bytes, as MQTT and
// STOMP over WebSocket want.
//
// A header or control payload split across reads is carried over, so bytes
// may be fed in pieces of any size. Pure: no I/O; the owner answers pings and
// closes with frame_writer.
class frame_reader {
public:
    explicit frame_reader(frame_reader_limits limits) noexcept;
    ~frame_reader();
    frame_reader(frame_reader&&) noexcept;
    frame_reader& operator=(frame_reader&&) noexcept;

    // Decodes `bytes` as read from the socket. Returns n: bytes[0, n) then
    // hold the payload they carried, unmasked and in order. Stops at the
    // first refusal (error() is set) and after the peer's close frame
    // (close_received()); from then on returns 0 and reads nothing. The
    // payload before a refusal, up to the byte refused (invalid UTF-8), is
    // still output, so the output never depends on where reads end.
    std::size_t decode(std::span<std::uint8_t> bytes) noexcept;

    // The refusal, empty while the peer keeps to RFC 6455 and the limits.
    std::error_code error() const noexcept {
        return error_ == 0 ? std::error_code{} : make_error_code(static_cast<websocket_errc>(error_));
    }

    bool close_received() const noexcept { return close_received_; }
    // The status code of the peer's close frame; 1005 (no status) when it
    // carried none.
    std::uint16_t peer_close_code() const noexcept { return peer_close_code_; }

    // The latest ping not yet answered with a pong (only the latest need
    // be, §5.5.3), and its payload.
    bool ping_pending() const noexcept;
    std::span<const std::uint8_t> ping_payload() const noexcept;
    void ping_answered() noexcept;

private:
    struct control_state; // made by the first control frame: most connections see none

    // What the data frames being read belong to.
    enum class message_kind : std::uint8_t { none, binary, text };

    // A header is read a byte at a time, its length and mask straight into
    // frame_remaining_ and mask_, so no partial header is kept.
    bool in_payload() const noexcept { return header_read_ == header_size_; }
    bool stopped() const noexcept { return error_ != 0 || close_received_; }
    std::uint8_t opcode() const noexcept { return head_ & 0x0F; }
    bool is_control() const noexcept { return (head_ & 0x08) != 0; }

    void read_header_byte(std::uint8_t b) noexcept;
    void check_first_byte() noexcept;
    void check_length() noexcept;
    void begin_payload() noexcept;
    std::size_t read_data(const std::uint8_t* from, std::uint8_t* to, std::size_t size) noexcept;
    void read_control(const std::uint8_t* from, std::size_t size) noexcept;
    void end_frame() noexcept;
    void end_close_frame() noexcept;
    void refuse(websocket_errc e) noexcept { error_ = static_cast<std::uint8_t>(e); }

    // Ordered by size so that an idle reader takes 48 bytes.
    std::uint64_t max_message_size_;
    std::uint64_t message_budget_ = 0;  // what the current message may still carry
    std::uint64_t frame_remaining_ = 0; // payload bytes of the current frame not yet read
    std::unique_ptr<control_state> control_;
    // The current frame's mask, turned so that its first byte applies to
    // the next payload byte: a read may end anywhere in a frame.
    std::array<std::uint8_t, 4> mask_{};
    std::uint16_t peer_close_code_ = 1005;
    std::uint8_t error_ = 0; // a websocket_errc, 0 for none
    bool close_received_ = false;
    bool text_allowed_;
    message_kind message_ = message_kind::none;
    utf8_validator utf8_;
    std::uint8_t head_ = 0; // the current frame's first byte: FIN, RSV, opcode
    std::uint8_t header_read_ = 0;
    std::uint8_t header_size_ = 2; // 2 until the second byte tells the rest
};

} // namespace gantry::protocols::websocket
