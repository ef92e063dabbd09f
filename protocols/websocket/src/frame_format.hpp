#pragma once

#include <cstddef>
#include <cstdint>

// RFC 6455 §5.2 facts both directions of the frame codec rely on.
namespace gantry::protocols::websocket::frame_format {

constexpr std::uint8_t fin_bit = 0x80;
constexpr std::size_t max_control_payload = 125; // §5.5

namespace opcodes {
constexpr std::uint8_t continuation = 0;
constexpr std::uint8_t text = 1;
constexpr std::uint8_t binary = 2;
constexpr std::uint8_t close = 8;
constexpr std::uint8_t ping = 9;
constexpr std::uint8_t pong = 10;
} // namespace opcodes

} // namespace gantry::protocols::websocket::frame_format
