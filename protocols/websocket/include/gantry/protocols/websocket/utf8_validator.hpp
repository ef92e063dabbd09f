#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace gantry::protocols::websocket {

// Checks UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF) as it arrives, so a character may be split between frames and
// between reads. One byte of state: a frame_reader keeps one per connection,
// which is why this small helper is in the public headers.
class utf8_validator {
public:
    // Returns how many of `bytes` keep the text valid: all of them, or those
    // before the first byte no valid text could have there.
    std::size_t validate(std::span<const std::uint8_t> bytes) noexcept;

    // Whether the text so far ends between characters, as a message must.
    bool complete() const noexcept { return state_ == state::between; }

    void reset() noexcept { state_ = state::between; }

private:
    // Where the validator is inside a character: how many continuation
    // bytes are still due, and the narrower range the next one must be in
    // after the lead bytes that allow only part of 80..BF.
    enum class state : std::uint8_t {
        between,
        one_due,
        two_due,
        three_due,
        two_due_after_e0, // next A0..BF: no overlong three-byte form
        two_due_after_ed, // next 80..9F: no surrogates D800..DFFF
        three_due_after_f0, // next 90..BF: no overlong four-byte form
        three_due_after_f4, // next 80..8F: nothing past U+10FFFF
        invalid,
    };

    static state after_lead(std::uint8_t b) noexcept;
    static state after_continuation(state s, std::uint8_t b) noexcept;

    state state_ = state::between;
};

} // namespace gantry::protocols::websocket
