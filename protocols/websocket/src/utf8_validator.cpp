#include "gantry/protocols/websocket/utf8_validator.hpp"

#include <cstring>

namespace gantry::protocols::websocket {

namespace {

constexpr std::uint64_t high_bits = 0x8080808080808080U;

} // namespace

std::size_t utf8_validator::validate(std::span<const std::uint8_t> bytes) noexcept {
    std::size_t i = 0;
    while (i < bytes.size()) {
        // Text over WebSocket is mostly ASCII: skip it eight bytes at a time.
        if (state_ == state::between && bytes.size() - i >= 8) {
            std::uint64_t word = 0;
            std::memcpy(&word, bytes.data() + i, sizeof word);
            if ((word & high_bits) == 0) {
                i += 8;
                continue;
            }
        }
        const auto b = bytes[i];
        const auto next = state_ == state::between ? after_lead(b) : after_continuation(state_, b);
        if (next == state::invalid) return i;
        state_ = next;
        ++i;
    }
    return i;
}

utf8_validator::state utf8_validator::after_lead(std::uint8_t b) noexcept {
    if (b < 0x80) return state::between;
    if (b < 0xC2) return state::invalid; // a continuation byte, or C0/C1 (overlong)
    if (b < 0xE0) return state::one_due;
    if (b == 0xE0) return state::two_due_after_e0;
    if (b == 0xED) return state::two_due_after_ed;
    if (b < 0xF0) return state::two_due;
    if (b == 0xF0) return state::three_due_after_f0;
    if (b < 0xF4) return state::three_due;
    if (b == 0xF4) return state::three_due_after_f4;
    return state::invalid; // F5..FF would lead past U+10FFFF
}

utf8_validator::state utf8_validator::after_continuation(state s, std::uint8_t b) noexcept {
    std::uint8_t low = 0x80;
    std::uint8_t high = 0xBF;
    switch (s) {
    case state::two_due_after_e0: low = 0xA0; break;
    case state::two_due_after_ed: high = 0x9F; break;
    case state::three_due_after_f0: low = 0x90; break;
    case state::three_due_after_f4: high = 0x8F; break;
    default: break;
    }
    if (b < low || b > high) return state::invalid;
    switch (s) {
    case state::one_due: return state::between;
    case state::two_due:
    case state::two_due_after_e0:
    case state::two_due_after_ed: return state::one_due;
    default: return state::two_due; // the three_due states
    }
}

} // namespace gantry::protocols::websocket
