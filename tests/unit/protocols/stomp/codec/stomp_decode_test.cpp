// Decoding well-formed input: the STOMP 1.2 specification's example frames,
// heart-beats, framing by NUL and by content-length, and header escapes.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/protocols/stomp/stomp_codec.hpp"
#include "stomp_test_support.hpp"

namespace gantry::protocols::stomp {
namespace {

using namespace std::literals;
using enum stomp_version;

using test::decode;
using test::to_bytes;

// Decodes a frame that must be complete and span the whole input.
stomp_frame decode_whole(std::string_view text, stomp_version version = v1_2) {
    auto decoded = decode(text, version);
    EXPECT_EQ(decoded.status, decode_status::complete) << decoded.diagnostic.message;
    EXPECT_EQ(decoded.consumed, text.size());
    return std::move(decoded.frame);
}

using header_list = std::vector<std::pair<std::string, std::string>>;

constexpr auto spec_connect = "CONNECT\naccept-version:1.2\nhost:stomp.github.org\n\n\0"sv;
constexpr auto spec_send = "SEND\ndestination:/queue/a\ncontent-type:text/plain\n\nhello queue a\n\0"sv;
constexpr auto spec_subscribe = "SUBSCRIBE\nid:0\ndestination:/queue/foo\nack:client\n\n\0"sv;
constexpr auto spec_message =
    "MESSAGE\nsubscription:0\nmessage-id:007\ndestination:/queue/a\ncontent-type:text/plain\n\nhello queue a\0"sv;
constexpr auto spec_error_body = "The message:\n-----\nMESSAGE\ndestined:/queue/a\nreceipt:message-12345\n\n"
                                 "Hello queue a!\n-----\nDid not contain a destination header, which is REQUIRED\n"
                                 "for message propagation.\n"sv;

std::string spec_error() {
    return "ERROR\nreceipt-id:message-12345\ncontent-type:text/plain\ncontent-length:" +
           std::to_string(spec_error_body.size()) + "\nmessage:malformed frame received\n\n" +
           std::string(spec_error_body) + '\0';
}

TEST(StompDecode, spec_connect) {
    const auto frame = decode_whole(spec_connect);
    EXPECT_EQ(frame.command, stomp_command::connect);
    EXPECT_EQ(frame.headers, (header_list{{"accept-version", "1.2"}, {"host", "stomp.github.org"}}));
    EXPECT_EQ(frame.body, "");
}

TEST(StompDecode, spec_send) {
    const auto frame = decode_whole(spec_send);
    EXPECT_EQ(frame.command, stomp_command::send);
    EXPECT_EQ(frame.headers, (header_list{{"destination", "/queue/a"}, {"content-type", "text/plain"}}));
    EXPECT_EQ(frame.body, "hello queue a\n");
}

TEST(StompDecode, send_with_content_length_carries_nul_octets) {
    const auto frame = decode_whole("SEND\ndestination:/queue/a\ncontent-length:6\n\n\0he\0lo\0"sv);
    EXPECT_EQ(frame.body, "\0he\0lo"sv);
    EXPECT_EQ(*frame.header("content-length"), "6");
    EXPECT_EQ(decode_whole("SEND\ncontent-length:0\n\n\0"sv).body, "");
}

TEST(StompDecode, spec_subscribe) {
    const auto frame = decode_whole(spec_subscribe);
    EXPECT_EQ(frame.command, stomp_command::subscribe);
    EXPECT_EQ(frame.headers, (header_list{{"id", "0"}, {"destination", "/queue/foo"}, {"ack", "client"}}));
}

TEST(StompDecode, spec_message) {
    const auto frame = decode_whole(spec_message);
    EXPECT_EQ(frame.command, stomp_command::message);
    EXPECT_EQ(*frame.header("message-id"), "007");
    EXPECT_EQ(frame.headers.size(), 4U);
    EXPECT_EQ(frame.body, "hello queue a");
}

TEST(StompDecode, spec_error_with_body) {
    const auto frame = decode_whole(spec_error());
    EXPECT_EQ(frame.command, stomp_command::error);
    EXPECT_EQ(*frame.header("message"), "malformed frame received");
    EXPECT_EQ(frame.body, spec_error_body);
}

TEST(StompDecode, every_command) {
    for (int i = 0; i <= static_cast<int>(stomp_command::error); ++i) {
        const auto command = static_cast<stomp_command>(i);
        const auto text = std::string(command_name(command)) + "\n\n" + '\0';
        EXPECT_EQ(decode_whole(text).command, command) << text;
    }
}

TEST(StompDecode, heartbeats_are_reported_octet_for_octet) {
    struct row {
        std::string_view input;
        decode_status status;
        std::size_t consumed;
    };
    const row rows[] = {
        {"\n", decode_status::heartbeat, 1},
        {"\r\n", decode_status::heartbeat, 2},
        {"\n\r\n\n", decode_status::heartbeat, 4},
        {"\n\nSEND\n\n\0"sv, decode_status::heartbeat, 2},
        {"\n\r", decode_status::heartbeat, 1},
        {"\r", decode_status::need_more, 0},
        {"", decode_status::need_more, 0},
    };
    for (const auto& r : rows) {
        const auto decoded = decode(r.input);
        EXPECT_EQ(decoded.status, r.status) << ::testing::PrintToString(r.input);
        EXPECT_EQ(decoded.consumed, r.consumed) << ::testing::PrintToString(r.input);
    }
}

TEST(StompDecode, eols_after_a_frame_come_back_as_a_heartbeat) {
    const auto input = to_bytes("SEND\n\nx\0\r\n\n"sv);
    const stomp_codec codec;
    const auto frame = codec.decode(input, v1_2);
    ASSERT_EQ(frame.status, decode_status::complete);
    EXPECT_EQ(frame.consumed, 8U);
    const auto eols = codec.decode(std::span(input).subspan(frame.consumed), v1_2);
    EXPECT_EQ(eols.status, decode_status::heartbeat);
    EXPECT_EQ(eols.consumed, 3U);
}

TEST(StompDecode, several_frames_in_one_buffer) {
    const auto text = std::string(spec_connect) + std::string(spec_send) + "\n" + std::string(spec_subscribe) +
                      "\r\n\r\n" + spec_error() + std::string(spec_message);
    const auto input = to_bytes(text);
    const stomp_codec codec;
    std::vector<stomp_command> commands;
    std::size_t heartbeats = 0;
    std::span<const std::byte> rest(input);
    while (!rest.empty()) {
        const auto decoded = codec.decode(rest, v1_2);
        ASSERT_NE(decoded.status, decode_status::error) << decoded.diagnostic.message;
        ASSERT_NE(decoded.status, decode_status::need_more);
        if (decoded.status == decode_status::complete) commands.push_back(decoded.frame.command);
        if (decoded.status == decode_status::heartbeat) heartbeats += decoded.consumed;
        rest = rest.subspan(decoded.consumed);
    }
    EXPECT_EQ(commands, (std::vector{stomp_command::connect, stomp_command::send, stomp_command::subscribe,
                                     stomp_command::error, stomp_command::message}));
    EXPECT_EQ(heartbeats, 5U);
}

TEST(StompDecode, every_prefix_of_a_frame_is_need_more) {
    const std::string frames[] = {std::string(spec_connect),  std::string(spec_send),
                                  std::string(spec_subscribe), std::string(spec_message),
                                  spec_error(),                "SEND\r\nk:v\r\ncontent-length:2\r\n\r\n\0\0\0"s};
    for (const auto version : {v1_0, v1_1, v1_2}) {
        for (const auto& frame : frames) {
            ASSERT_EQ(decode(frame, version).status, decode_status::complete) << frame;
            for (std::size_t size = 0; size < frame.size(); ++size) {
                const auto decoded = decode(std::string_view(frame).substr(0, size), version);
                EXPECT_EQ(decoded.status, decode_status::need_more)
                    << ::testing::PrintToString(frame.substr(0, size)) << ": " << decoded.diagnostic.message;
            }
        }
    }
}

TEST(StompDecode, crlf_lines) {
    const auto frame = decode_whole("SEND\r\ndestination:/queue/a\r\nreceipt:77\r\n\r\nbody\r\n\0"sv);
    EXPECT_EQ(frame.headers, (header_list{{"destination", "/queue/a"}, {"receipt", "77"}}));
    EXPECT_EQ(frame.body, "body\r\n");
}

TEST(StompDecode, repeated_headers_first_wins_and_all_are_kept) {
    const auto frame = decode_whole("MESSAGE\nfoo:World\nfoo:Hello\n\n\0"sv);
    EXPECT_EQ(*frame.header("foo"), "World");
    EXPECT_EQ(frame.headers, (header_list{{"foo", "World"}, {"foo", "Hello"}}));
    EXPECT_EQ(frame.header("bar"), nullptr);
    // Only the first content-length counts, so the second is not even parsed.
    EXPECT_EQ(decode_whole("SEND\ncontent-length:2\ncontent-length:x\n\na\0\0"sv).body, "a\0"sv);
}

TEST(StompDecode, values_are_kept_as_sent) {
    const auto frame = decode_whole("SEND\n key : value \nempty:\ndestination:a:b\nutf8:caf\xC3\xA9\n\n\0"sv);
    EXPECT_EQ(frame.headers,
              (header_list{{" key ", " value "}, {"empty", ""}, {"destination", "a:b"}, {"utf8", "caf\xC3\xA9"}}));
}

TEST(StompDecode, escapes_in_1_2) {
    const auto frame = decode_whole("MESSAGE\nk\\c\\\\:a\\nb\\rc\\cd\n\n\0"sv, v1_2);
    EXPECT_EQ(frame.headers, (header_list{{"k:\\", "a\nb\rc:d"}}));
}

TEST(StompDecode, escapes_in_1_1) {
    const auto frame = decode_whole("MESSAGE\nk\\c:a\\nb\\\\c\n\n\0"sv, v1_1);
    EXPECT_EQ(frame.headers, (header_list{{"k:", "a\nb\\c"}}));
    EXPECT_EQ(decode("MESSAGE\nk:a\\rb\n\n\0"sv, v1_1).diagnostic.code, stomp_errc::invalid_escape);
}

TEST(StompDecode, no_escapes_in_1_0) {
    const auto frame = decode_whole("SEND\nk:a\\tb\\n\\\n\n\0"sv, v1_0);
    EXPECT_EQ(frame.headers, (header_list{{"k", "a\\tb\\n\\"}}));
}

TEST(StompDecode, connect_stomp_and_connected_are_never_unescaped) {
    for (const auto version : {v1_1, v1_2}) {
        for (const auto command : {"CONNECT"sv, "STOMP"sv, "CONNECTED"sv}) {
            const auto text = std::string(command) + "\nlogin:a\\nb\npasscode:x\\t\\\n\n" + '\0';
            const auto frame = decode_whole(text, version);
            EXPECT_EQ(frame.headers, (header_list{{"login", "a\\nb"}, {"passcode", "x\\t\\"}})) << text;
        }
    }
}

TEST(StompDecode, version_does_not_restrict_commands) {
    // NACK and STOMP are 1.1 commands; whether to accept them is the session's call.
    EXPECT_EQ(decode_whole("NACK\nid:1\n\n\0"sv, v1_0).command, stomp_command::nack);
    EXPECT_EQ(decode_whole("STOMP\n\n\0"sv, v1_0).command, stomp_command::stomp);
}

} // namespace
} // namespace gantry::protocols::stomp
