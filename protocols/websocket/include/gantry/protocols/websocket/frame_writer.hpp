#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "gantry/protocols/websocket/websocket_error.hpp"

namespace gantry::protocols::websocket {

// Server-to-client frames (RFC 6455 §5.2): unmasked, never fragmented.

// The 2 to 10 bytes before a binary message's payload: FIN, opcode 2, the
// length in its shortest form. The payload follows in its own buffers, so a
// connection's gathered writes go out as one message without a copy.
class data_frame_header {
public:
    explicit data_frame_header(std::uint64_t payload_size) noexcept;
    std::span<const std::uint8_t> bytes() const noexcept { return {bytes_.data(), size_}; }

private:
    std::array<std::uint8_t, 10> bytes_{};
    std::uint8_t size_ = 0;
};

// A whole control frame, header and payload (at most 125 bytes).
class control_frame {
public:
    // A pong echoing a ping's payload (at most 125 bytes; more is cut).
    static control_frame pong(std::span<const std::uint8_t> ping_payload) noexcept;
    // A close with a status and a reason for the peer, cut to fit 123 bytes
    // at a UTF-8 character boundary.
    static control_frame close(close_status status, std::string_view reason) noexcept;
    // A close answering one whose status was `peer_code`: echoes it, or
    // carries no status when the peer sent none (1005).
    static control_frame close_reply(std::uint16_t peer_code) noexcept;

    std::span<const std::uint8_t> bytes() const noexcept { return {bytes_.data(), size_}; }

private:
    std::array<std::uint8_t, 127> bytes_{};
    std::uint8_t size_ = 0;
};

} // namespace gantry::protocols::websocket
