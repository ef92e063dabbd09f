#pragma once

// Client frames built byte by byte for the frame_reader tests, and a decode
// that feeds the same bytes whole, a byte at a time and in random pieces,
// and checks the three agree.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "gantry/protocols/websocket/frame_reader.hpp"

namespace gantry::protocols::websocket::test {

using bytes = std::vector<std::uint8_t>;

// First bytes: FIN (0x80) and the opcode.
constexpr std::uint8_t fin_text = 0x81;
constexpr std::uint8_t fin_binary = 0x82;
constexpr std::uint8_t fin_continuation = 0x80;
constexpr std::uint8_t text_begins = 0x01;
constexpr std::uint8_t binary_begins = 0x02;
constexpr std::uint8_t continuation = 0x00;
constexpr std::uint8_t fin_close = 0x88;
constexpr std::uint8_t fin_ping = 0x89;
constexpr std::uint8_t fin_pong = 0x8A;

// The mask of RFC 6455 §5.7's examples.
constexpr std::array<std::uint8_t, 4> rfc_mask{0x37, 0xfa, 0x21, 0x3d};

enum class length_form { shortest, bits_16, bits_64 };

inline bytes text(std::string_view s) { return {s.begin(), s.end()}; }

inline bytes operator+(bytes a, const bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// A masked client frame; `form` may choose a longer length form than the
// payload needs, which the reader must refuse.
inline bytes masked_frame(std::uint8_t head, const bytes& payload, length_form form = length_form::shortest,
                          std::array<std::uint8_t, 4> mask = rfc_mask) {
    bytes frame{head};
    const auto size = payload.size();
    if (form == length_form::shortest && size >= 126) {
        form = size <= 0xFFFF ? length_form::bits_16 : length_form::bits_64;
    }
    if (form == length_form::shortest) {
        frame.push_back(static_cast<std::uint8_t>(0x80 | size));
    } else {
        const int length_bytes = form == length_form::bits_16 ? 2 : 8;
        frame.push_back(form == length_form::bits_16 ? 0xFE : 0xFF);
        for (int i = length_bytes - 1; i >= 0; --i) frame.push_back(static_cast<std::uint8_t>(size >> (8 * i)));
    }
    frame.insert(frame.end(), mask.begin(), mask.end());
    for (std::size_t i = 0; i < size; ++i) frame.push_back(payload[i] ^ mask[i % 4]);
    return frame;
}

// A close payload: the status code, then the reason.
inline bytes close_payload(std::uint16_t code, std::string_view reason = {}) {
    return bytes{static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code)} + text(reason);
}

inline frame_reader_limits test_limits(std::uint64_t max_message_size = 1 << 20, bool text_allowed = true) {
    return {max_message_size, text_allowed};
}

struct decoded {
    bytes output;
    std::error_code error;
    bool close_received = false;
    std::uint16_t peer_close_code = 0;
    bool operator==(const decoded&) const = default;
};

inline void PrintTo(const decoded& d, std::ostream* os) {
    *os << "{output of " << d.output.size() << " bytes, error \"" << d.error.message() << "\", close "
        << d.close_received << " code " << d.peer_close_code << "}";
}

// Feeds `input` in pieces whose sizes `next_size` picks (0 means the rest).
template <typename NextSize>
decoded decode_in_pieces(frame_reader_limits limits, bytes input, NextSize next_size) {
    frame_reader reader(limits);
    decoded result;
    std::size_t at = 0;
    while (at < input.size()) {
        auto size = next_size();
        if (size == 0 || size > input.size() - at) size = input.size() - at;
        const auto n = reader.decode(std::span(input).subspan(at, size));
        EXPECT_LE(n, size);
        result.output.insert(result.output.end(), input.begin() + static_cast<std::ptrdiff_t>(at),
                             input.begin() + static_cast<std::ptrdiff_t>(at + n));
        at += size;
    }
    result.error = reader.error();
    result.close_received = reader.close_received();
    result.peer_close_code = reader.peer_close_code();
    return result;
}

// Decodes `input` whole, a byte at a time and in random pieces; all must
// give the same output, refusal and close.
inline decoded decode_every_way(const bytes& input, frame_reader_limits limits = test_limits()) {
    const auto whole = decode_in_pieces(limits, input, [] { return std::size_t{0}; });
    EXPECT_EQ(decode_in_pieces(limits, input, [] { return std::size_t{1}; }), whole) << "a byte at a time";
    for (const unsigned seed : {1U, 2U, 3U, 4U}) {
        std::mt19937 random(seed);
        std::uniform_int_distribution<std::size_t> size(1, 20);
        EXPECT_EQ(decode_in_pieces(limits, input, [&] { return size(random); }), whole)
            << "random pieces, seed " << seed;
    }
    return whole;
}

inline std::error_code refusal(websocket_errc e) { return make_error_code(e); }

} // namespace gantry::protocols::websocket::test
