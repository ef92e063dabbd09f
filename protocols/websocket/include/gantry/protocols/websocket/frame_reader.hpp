#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <system_error>

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
    // (close_received()); from then on returns 0 and reads nothing.
    std::size_t decode(std::span<std::uint8_t> bytes) noexcept;

    // The refusal, empty while the peer keeps to RFC 6455 and the limits.
    std::error_code error() const noexcept { return error_; }

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

    // ... private state as the implementation needs; keep an idle reader
    // small (a few dozen bytes): one exists per WebSocket connection.
    frame_reader_limits limits_;
    std::unique_ptr<control_state> control_;
    std::error_code error_;
    std::uint16_t peer_close_code_ = 1005;
    bool close_received_ = false;
};

} // namespace gantry::protocols::websocket
