#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/protocols/remoting/remoting_codec.hpp"
#include "gantry/protocols/remoting/request_code.hpp"
#include "gantry/protocols/remoting/response_code.hpp"

namespace gantry::protocols::remoting::test {

using bytes = std::vector<std::byte>;

inline void put_u32(bytes& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::byte>(v >> shift));
}

inline void put_u16(bytes& out, std::uint16_t v) {
    out.push_back(static_cast<std::byte>(v >> 8));
    out.push_back(static_cast<std::byte>(v));
}

inline void put_text(bytes& out, std::string_view text) {
    for (const char c : text) out.push_back(static_cast<std::byte>(c));
}

inline bytes to_bytes(std::string_view text) {
    bytes out;
    put_text(out, text);
    return out;
}

inline std::string to_text(std::span<const std::byte> data) {
    return std::string(reinterpret_cast<const char*>(data.data()), data.size());
}

// A frame as spec 1.1 lays it out, built by hand rather than by the encoder.
inline bytes frame(std::uint8_t type, const bytes& header, const bytes& body = {}) {
    bytes out;
    put_u32(out, static_cast<std::uint32_t>(4 + header.size() + body.size()));
    put_u32(out, (std::uint32_t{type} << 24) | static_cast<std::uint32_t>(header.size()));
    out.insert(out.end(), header.begin(), header.end());
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

inline bytes json_frame(std::string_view header, std::string_view body = {}) {
    return frame(0, to_bytes(header), to_bytes(body));
}

// Decodes a frame that must be complete and span the whole input.
inline remoting_command decode_whole(const bytes& input, const remoting_codec& codec = remoting_codec{}) {
    auto decoded = codec.decode(input);
    if (decoded.status != decode_status::complete) {
        ADD_FAILURE() << "not complete: " << decoded.diagnostic.reason;
        return {};
    }
    EXPECT_EQ(decoded.consumed, input.size());
    return std::move(decoded.command);
}

inline std::string decode_error(const bytes& input, const remoting_codec& codec = remoting_codec{}) {
    const auto decoded = codec.decode(input);
    EXPECT_EQ(decoded.status, decode_status::error);
    EXPECT_TRUE(decoded.diagnostic.code);
    return decoded.diagnostic.reason;
}

} // namespace gantry::protocols::remoting::test
