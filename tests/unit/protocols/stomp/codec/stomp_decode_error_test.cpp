// Decoding input that must be refused: every stomp_errc the decoder
// reports, and each limit at exactly its value and one past it.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/protocols/stomp/stomp_codec.hpp"
#include "stomp_test_support.hpp"

namespace gantry::protocols::stomp {
namespace {

using namespace std::string_view_literals;
using enum stomp_version;

using test::decode;

stomp_diagnostic decode_error(std::string_view text, stomp_version version = v1_2, stomp_limits limits = {}) {
    auto decoded = decode(text, version, limits);
    EXPECT_EQ(decoded.status, decode_status::error) << ::testing::PrintToString(text);
    EXPECT_EQ(decoded.consumed, 0U);
    EXPECT_EQ(decoded.diagnostic.code.category(), stomp_category());
    EXPECT_FALSE(decoded.diagnostic.message.empty());
    return std::move(decoded.diagnostic);
}

void expect_error(std::string_view text, stomp_errc code, stomp_version version = v1_2, stomp_limits limits = {}) {
    EXPECT_EQ(decode_error(text, version, limits).code, code) << ::testing::PrintToString(text);
}

TEST(StompDecodeError, unknown_command) {
    auto diagnostic = decode_error("FOO\n\n\0"sv);
    EXPECT_EQ(diagnostic.code, stomp_errc::unknown_command);
    EXPECT_EQ(diagnostic.message, "unknown command 'FOO'");
    expect_error("send\n\n\0"sv, stomp_errc::unknown_command);
    expect_error("SEND \n\n\0"sv, stomp_errc::unknown_command);
    expect_error("SEND\r\r\n\n\0"sv, stomp_errc::unknown_command);
    // Refused before the LF: no command is that long, and a CR must precede an LF.
    expect_error("GET / HTTP/1.1"sv, stomp_errc::unknown_command);
    expect_error("\rX"sv, stomp_errc::unknown_command);
    expect_error("SE\0"sv, stomp_errc::unknown_command);
    EXPECT_EQ(decode("UNSUBSCRIBE\r"sv).status, decode_status::need_more);
}

TEST(StompDecodeError, unknown_command_is_quoted_printable_and_short) {
    EXPECT_EQ(decode_error("\x01\x7FX\n"sv).message, "unknown command '??X'");
    const auto long_line = std::string(100, 'A') + "\n";
    EXPECT_EQ(decode_error(long_line).message, "unknown command '" + std::string(32, 'A') + "...'");
}

TEST(StompDecodeError, invalid_utf8) {
    expect_error("\xC3\x28\n\n\0"sv, stomp_errc::invalid_utf8);
    for (const auto value : {"\xFF"sv, "\xC0\x80"sv, "\xED\xA0\x80"sv, "\xF4\x90\x80\x80"sv, "\xE2\x82"sv,
                             "long ascii run then \x80"sv}) {
        expect_error("SEND\nk:" + std::string(value) + "\n\n" + '\0', stomp_errc::invalid_utf8);
        expect_error("SEND\n" + std::string(value) + ":v\n\n" + '\0', stomp_errc::invalid_utf8);
    }
    // Not escaped, but checked all the same.
    expect_error("CONNECT\nlogin:\xFF\n\n\0"sv, stomp_errc::invalid_utf8);
}

TEST(StompDecodeError, malformed_header) {
    EXPECT_EQ(decode_error("SEND\na:1\nnocolon\n\n\0"sv).message, "header line 2 has no ':'");
    EXPECT_EQ(decode_error("SEND\n:value\n\n\0"sv).message, "header line 1 has an empty name");
    expect_error("SEND\nk:a\rb\n\n\0"sv, stomp_errc::malformed_header);
    expect_error("SEND\nk:v\r\r\n\n\0"sv, stomp_errc::malformed_header);
    expect_error("SEND\nk:a\0b\n\n\0"sv, stomp_errc::malformed_header);
    // Refused before the LF arrives.
    expect_error("SEND\nk:a\rb"sv, stomp_errc::malformed_header);
    expect_error("SEND\n\0"sv, stomp_errc::malformed_header);
    for (const auto version : {v1_0, v1_1}) expect_error("SEND\nk:a\rb\n\n\0"sv, stomp_errc::malformed_header, version);
}

TEST(StompDecodeError, invalid_escape) {
    EXPECT_EQ(decode_error("SEND\nk:a\\tb\n\n\0"sv).message, "header line 1 has an undefined escape '\\t'");
    expect_error("SEND\nk:v\\\n\n\0"sv, stomp_errc::invalid_escape);
    expect_error("SEND\nk\\x:v\n\n\0"sv, stomp_errc::invalid_escape);
    expect_error("SEND\nk\\:v\n\n\0"sv, stomp_errc::invalid_escape);
    expect_error("SEND\nk:\\r\n\n\0"sv, stomp_errc::invalid_escape, v1_1);
    expect_error("MESSAGE\nk:\\\\\\\n\n\0"sv, stomp_errc::invalid_escape, v1_1);
}

TEST(StompDecodeError, invalid_content_length) {
    for (const auto value : {""sv, "abc"sv, "-1"sv, "+1"sv, " 1"sv, "1 "sv, "0x10"sv, "1.5"sv, "1\\n"sv}) {
        auto diagnostic = decode_error("SEND\ncontent-length:" + std::string(value) + "\n\nx\0" + '\0');
        EXPECT_EQ(diagnostic.code, stomp_errc::invalid_content_length) << value;
        EXPECT_NE(diagnostic.message.find("content-length"), std::string::npos);
    }
}

TEST(StompDecodeError, missing_null) {
    EXPECT_EQ(decode_error("SEND\ncontent-length:2\n\nabc\0"sv).code, stomp_errc::missing_null);
    EXPECT_EQ(decode_error("SEND\ncontent-length:0\n\nx"sv).code, stomp_errc::missing_null);
}

TEST(StompDecodeError, frame_size_at_the_limit_and_one_over) {
    constexpr auto frame = "SEND\n\n0123456789\0"sv; // 17 octets
    stomp_limits limits;
    limits.max_frame_size = frame.size();
    EXPECT_EQ(decode(frame, v1_2, limits).status, decode_status::complete);
    EXPECT_EQ(decode(frame.substr(0, frame.size() - 1), v1_2, limits).status, decode_status::need_more);
    limits.max_frame_size = frame.size() - 1;
    expect_error(frame, stomp_errc::frame_too_large, v1_2, limits);
    // Known once max_frame_size octets are in without the NUL.
    expect_error(frame.substr(0, frame.size() - 1), stomp_errc::frame_too_large, v1_2, limits);
    EXPECT_EQ(decode(frame.substr(0, frame.size() - 2), v1_2, limits).status, decode_status::need_more);
    // Also while the command or the headers are still arriving.
    limits.max_frame_size = 8;
    expect_error("SEND\nk:vvvv"sv, stomp_errc::frame_too_large, v1_2, limits);
    limits.max_frame_size = 3;
    expect_error("SEND"sv, stomp_errc::frame_too_large, v1_2, limits);
}

TEST(StompDecodeError, content_length_at_the_limit_and_one_over) {
    constexpr auto frame = "SEND\ncontent-length:3\n\nabc\0"sv; // 27 octets
    stomp_limits limits;
    limits.max_frame_size = frame.size();
    EXPECT_EQ(decode(frame, v1_2, limits).status, decode_status::complete);
    limits.max_frame_size = frame.size() - 1;
    // Refused once the headers are in, before any of the body.
    expect_error(frame.substr(0, 23), stomp_errc::frame_too_large, v1_2, limits);
    // A content-length alone over the limit is refused on its own line.
    limits.max_frame_size = 1000;
    expect_error("SEND\ncontent-length:1001\n"sv, stomp_errc::frame_too_large, v1_2, limits);
    expect_error("SEND\ncontent-length:99999999999999999999999999999\n"sv, stomp_errc::frame_too_large);
}

TEST(StompDecodeError, header_count_at_the_limit_and_one_over) {
    stomp_limits limits;
    limits.max_header_count = 3;
    EXPECT_EQ(decode("SEND\na:1\nb:2\nc:3\n\n\0"sv, v1_2, limits).status, decode_status::complete);
    EXPECT_EQ(decode("SEND\na:1\nb:2\nc:3\r"sv, v1_2, limits).status, decode_status::need_more);
    expect_error("SEND\na:1\nb:2\nc:3\nd:4\n\n\0"sv, stomp_errc::too_many_headers, v1_2, limits);
    // Refused at the first octet of the header past the limit.
    expect_error("SEND\na:1\nb:2\nc:3\nd"sv, stomp_errc::too_many_headers, v1_2, limits);
}

TEST(StompDecodeError, header_length_at_the_limit_and_one_over) {
    stomp_limits limits;
    limits.max_header_length = 10;
    EXPECT_EQ(decode("SEND\nk:12345678\r\n\n\0"sv, v1_2, limits).status, decode_status::complete);
    EXPECT_EQ(decode("SEND\nk:12345678\r"sv, v1_2, limits).status, decode_status::need_more);
    expect_error("SEND\nk:123456789\n\n\0"sv, stomp_errc::header_too_long, v1_2, limits);
    // Refused before the LF arrives.
    expect_error("SEND\nk:123456789"sv, stomp_errc::header_too_long, v1_2, limits);
}

} // namespace
} // namespace gantry::protocols::stomp
