#include "gantry/protocols/websocket/frame_writer.hpp"

#include <algorithm>

#include "frame_format.hpp"

namespace gantry::protocols::websocket {

namespace {

using frame_format::fin_bit;
using frame_format::max_control_payload;
namespace opcodes = frame_format::opcodes;

constexpr std::uint8_t fin_binary = fin_bit | opcodes::binary;
constexpr std::uint8_t fin_close = fin_bit | opcodes::close;
constexpr std::uint8_t fin_pong = fin_bit | opcodes::pong;
constexpr std::size_t max_close_reason = max_control_payload - 2;
constexpr std::uint16_t no_status = 1005;

// The longest prefix of `text` that fits `size` bytes and ends between
// UTF-8 characters, so the peer, which must check the reason, accepts it.
std::string_view cut_at_character(std::string_view text, std::size_t size) noexcept {
    if (text.size() <= size) return text;
    while (size > 0 && (static_cast<std::uint8_t>(text[size]) & 0xC0) == 0x80) --size;
    return text.substr(0, size);
}

} // namespace

data_frame_header::data_frame_header(std::uint64_t payload_size) noexcept {
    bytes_[0] = fin_binary;
    if (payload_size < 126) {
        bytes_[1] = static_cast<std::uint8_t>(payload_size);
        size_ = 2;
        return;
    }
    const std::size_t length_bytes = payload_size <= 0xFFFF ? 2 : 8;
    bytes_[1] = length_bytes == 2 ? 126 : 127;
    for (std::size_t i = 0; i < length_bytes; ++i) {
        bytes_[1 + length_bytes - i] = static_cast<std::uint8_t>(payload_size >> (8 * i));
    }
    size_ = static_cast<std::uint8_t>(2 + length_bytes);
}

control_frame control_frame::pong(std::span<const std::uint8_t> ping_payload) noexcept {
    const auto payload = ping_payload.first(std::min(ping_payload.size(), max_control_payload));
    control_frame frame;
    frame.bytes_[0] = fin_pong;
    frame.bytes_[1] = static_cast<std::uint8_t>(payload.size());
    std::copy(payload.begin(), payload.end(), frame.bytes_.begin() + 2);
    frame.size_ = static_cast<std::uint8_t>(2 + payload.size());
    return frame;
}

control_frame control_frame::close(close_status status, std::string_view reason) noexcept {
    const auto code = static_cast<std::uint16_t>(status);
    const auto text = cut_at_character(reason, max_close_reason);
    control_frame frame;
    frame.bytes_[0] = fin_close;
    frame.bytes_[1] = static_cast<std::uint8_t>(2 + text.size());
    frame.bytes_[2] = static_cast<std::uint8_t>(code >> 8);
    frame.bytes_[3] = static_cast<std::uint8_t>(code);
    std::copy(text.begin(), text.end(), frame.bytes_.begin() + 4);
    frame.size_ = static_cast<std::uint8_t>(4 + text.size());
    return frame;
}

control_frame control_frame::close_reply(std::uint16_t peer_code) noexcept {
    control_frame frame;
    frame.bytes_[0] = fin_close;
    frame.size_ = 2;
    if (peer_code == no_status) return frame; // 1005 must not go on the wire (§7.4.1)
    frame.bytes_[1] = 2;
    frame.bytes_[2] = static_cast<std::uint8_t>(peer_code >> 8);
    frame.bytes_[3] = static_cast<std::uint8_t>(peer_code);
    frame.size_ = 4;
    return frame;
}

} // namespace gantry::protocols::websocket
