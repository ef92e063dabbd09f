#include "gantry/store/java_hash.hpp"

namespace gantry::store {

namespace {

// Decodes one UTF-8 sequence starting at s[i], advancing i. Malformed bytes
// count as one code point each (Java would have replaced them with U+FFFD).
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
    auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
    const std::uint8_t b0 = byte(i);
    auto continuation_ok = [&](std::size_t n) {
        if (i + n >= s.size()) return false;
        for (std::size_t k = 1; k <= n; ++k)
            if ((byte(i + k) & 0xC0) != 0x80) return false;
        return true;
    };
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    if ((b0 & 0xE0) == 0xC0 && continuation_ok(1)) {
        std::uint32_t cp = ((b0 & 0x1Fu) << 6) | (byte(i + 1) & 0x3Fu);
        i += 2;
        return cp;
    }
    if ((b0 & 0xF0) == 0xE0 && continuation_ok(2)) {
        std::uint32_t cp = ((b0 & 0x0Fu) << 12) | ((byte(i + 1) & 0x3Fu) << 6) | (byte(i + 2) & 0x3Fu);
        i += 3;
        return cp;
    }
    if ((b0 & 0xF8) == 0xF0 && continuation_ok(3)) {
        std::uint32_t cp = ((b0 & 0x07u) << 18) | ((byte(i + 1) & 0x3Fu) << 12) |
                           ((byte(i + 2) & 0x3Fu) << 6) | (byte(i + 3) & 0x3Fu);
        i += 4;
        return cp;
    }
    ++i;
    return 0xFFFD;
}

} // namespace

std::int32_t java_string_hash(std::string_view utf8, std::int32_t hash_before) noexcept {
    auto h = static_cast<std::uint32_t>(hash_before);
    for (std::size_t i = 0; i < utf8.size();) {
        const std::uint32_t cp = next_code_point(utf8, i);
        if (cp >= 0x10000) {
            const std::uint32_t v = cp - 0x10000;
            h = 31 * h + (0xD800 + (v >> 10));
            h = 31 * h + (0xDC00 + (v & 0x3FF));
        } else {
            h = 31 * h + cp;
        }
    }
    return static_cast<std::int32_t>(h);
}

} // namespace gantry::store
