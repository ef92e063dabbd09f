#include "utf8_text.hpp"

#include <cstddef>
#include <cstdint>

namespace gantry::protocols::remoting::detail {

namespace {

// Length of the well-formed sequence at `pos`, or of the maximal ill-formed
// subpart to replace (negated), per Unicode 15 §3.9 table 3-7.
std::ptrdiff_t sequence_at(std::string_view text, std::size_t pos) noexcept {
    const auto lead = static_cast<std::uint8_t>(text[pos]);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    std::uint8_t low = 0x80;
    std::uint8_t high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F;  // no UTF-16 surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    } else {
        return -1;
    }
    for (std::size_t i = 1; i < length; ++i) {
        if (pos + i >= text.size()) return -static_cast<std::ptrdiff_t>(i);
        const auto byte = static_cast<std::uint8_t>(text[pos + i]);
        const std::uint8_t lo = i == 1 ? low : 0x80;
        const std::uint8_t hi = i == 1 ? high : 0xBF;
        if (byte < lo || byte > hi) return -static_cast<std::ptrdiff_t>(i);
    }
    return static_cast<std::ptrdiff_t>(length);
}

} // namespace

bool is_valid_utf8(std::string_view text) noexcept {
    for (std::size_t pos = 0; pos < text.size();) {
        const auto n = sequence_at(text, pos);
        if (n < 0) return false;
        pos += static_cast<std::size_t>(n);
    }
    return true;
}

std::string to_valid_utf8(std::string_view text) {
    if (is_valid_utf8(text)) return std::string(text);
    std::string out;
    out.reserve(text.size() + 16);
    for (std::size_t pos = 0; pos < text.size();) {
        const auto n = sequence_at(text, pos);
        if (n > 0) {
            out.append(text.substr(pos, static_cast<std::size_t>(n)));
            pos += static_cast<std::size_t>(n);
        } else {
            out.append("\xEF\xBF\xBD");
            pos += static_cast<std::size_t>(-n);
        }
    }
    return out;
}

std::string quoted_for_log(std::string_view text) {
    constexpr std::size_t limit = 64;
    std::string out = "'";
    for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out.push_back(c < 0x20 || c == 0x7F ? '?' : text[i]);
    }
    if (text.size() > limit) out.append("...");
    out.push_back('\'');
    return out;
}

} // namespace gantry::protocols::remoting::detail
