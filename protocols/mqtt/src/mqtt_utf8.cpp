#include "gantry/protocols/mqtt/mqtt_utf8.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace gantry::protocols::mqtt {

namespace {

// Whether the 8 bytes at `p` are all ASCII (and none NUL unless allowed):
// topic names, the common case, are checked a word at a time.
bool plain_ascii_word(const char* p, bool nul_allowed) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    const std::uint64_t zero_bytes = nul_allowed ? 0 : (word - ones) & ~word & high_bits;
    return ((word & high_bits) | zero_bytes) == 0;
}

// Well-formedness per Unicode §3.9 table 3-7, with the surrogate range
// (lead 0xED, second byte 0xA0..0xBF) reported on its own.
std::string_view utf8_problem(std::string_view text, bool nul_allowed) noexcept {
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (pos + 8 <= text.size() && plain_ascii_word(text.data() + pos, nul_allowed)) {
            pos += 8;
            continue;
        }
        const auto lead = static_cast<std::uint8_t>(text[pos]);
        if (lead == 0 && !nul_allowed) return "contains U+0000";
        if (lead < 0x80) {
            ++pos;
            continue;
        }
        std::size_t length = 0;
        std::uint8_t low = 0x80;
        std::uint8_t high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0) low = 0xA0;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0) low = 0x90;
            if (lead == 0xF4) high = 0x8F;
        } else {
            return "is not well-formed UTF-8";
        }
        if (pos + length > text.size()) return "is not well-formed UTF-8";
        const auto second = static_cast<std::uint8_t>(text[pos + 1]);
        if (lead == 0xED && second >= 0xA0 && second <= 0xBF) return "contains a UTF-16 surrogate (U+D800..U+DFFF)";
        if (second < low || second > high) return "is not well-formed UTF-8";
        for (std::size_t i = 2; i < length; ++i) {
            const auto next = static_cast<std::uint8_t>(text[pos + i]);
            if (next < 0x80 || next > 0xBF) return "is not well-formed UTF-8";
        }
        pos += length;
    }
    return {};
}

} // namespace

std::string_view utf8_mqtt_problem(std::string_view text) noexcept {
    return utf8_problem(text, false);
}

std::string_view utf8_payload_problem(std::span<const std::byte> payload) noexcept {
    return utf8_problem({reinterpret_cast<const char*>(payload.data()), payload.size()}, true);
}

bool valid_utf8_mqtt(std::string_view text) noexcept {
    return utf8_mqtt_problem(text).empty();
}

} // namespace gantry::protocols::mqtt
