// Encoding: exact bytes, escapes per version, refusals, and round trips
// through the decoder.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/protocols/stomp/stomp_codec.hpp"

namespace gantry::protocols::stomp {
namespace {

using namespace std::string_view_literals;
using enum stomp_version;

std::string encoded_text(const stomp_frame& frame, stomp_version version) {
    const auto encoded = stomp_codec::encode(frame, version);
    EXPECT_TRUE(encoded) << encoded.error().message();
    if (!encoded) return {};
    std::string out;
    for (const auto b : encoded.value()) out.push_back(static_cast<char>(b));
    return out;
}

stomp_frame make(stomp_command command, std::vector<std::pair<std::string, std::string>> headers,
                 std::string body = {}) {
    stomp_frame frame;
    frame.command = command;
    frame.headers = std::move(headers);
    frame.body = std::move(body);
    return frame;
}

void expect_round_trip(const stomp_frame& frame, stomp_version version) {
    const auto encoded = stomp_codec::encode(frame, version);
    ASSERT_TRUE(encoded) << encoded.error().message();
    const auto decoded = stomp_codec{}.decode(encoded.value(), version);
    ASSERT_EQ(decoded.status, decode_status::complete) << decoded.diagnostic.message;
    EXPECT_EQ(decoded.consumed, encoded.value().size());
    EXPECT_EQ(decoded.frame.command, frame.command);
    EXPECT_EQ(decoded.frame.headers, frame.headers);
    EXPECT_EQ(decoded.frame.body, frame.body);
}

TEST(StompEncode, spec_frames_byte_for_byte) {
    const auto send = make(stomp_command::send, {{"destination", "/queue/a"}, {"content-type", "text/plain"}},
                           "hello queue a\n");
    EXPECT_EQ(encoded_text(send, v1_2), "SEND\ndestination:/queue/a\ncontent-type:text/plain\n\nhello queue a\n\0"sv);
    const auto connected = make(stomp_command::connected, {{"version", "1.2"}});
    EXPECT_EQ(encoded_text(connected, v1_2), "CONNECTED\nversion:1.2\n\n\0"sv);
    EXPECT_EQ(encoded_text(make(stomp_command::disconnect, {}), v1_0), "DISCONNECT\n\n\0"sv);
}

TEST(StompEncode, encode_into_appends_and_returns_the_size) {
    std::vector<std::byte> out(3, std::byte{'x'});
    const auto size = stomp_codec::encode_into(make(stomp_command::receipt, {{"receipt-id", "7"}}), v1_2, out);
    ASSERT_TRUE(size);
    EXPECT_EQ(size.value(), 23U);
    EXPECT_EQ(out.size(), 26U);
    EXPECT_EQ(out[0], std::byte{'x'});
    EXPECT_EQ(out[3], std::byte{'R'});
    EXPECT_EQ(out.back(), std::byte{0});
}

TEST(StompEncode, escapes_per_version) {
    const auto frame = make(stomp_command::message, {{"a:b\\", "x\ny:z\\"}});
    EXPECT_EQ(encoded_text(frame, v1_2), "MESSAGE\na\\cb\\\\:x\\ny\\cz\\\\\n\n\0"sv);
    EXPECT_EQ(encoded_text(frame, v1_1), "MESSAGE\na\\cb\\\\:x\\ny\\cz\\\\\n\n\0"sv);
    EXPECT_EQ(encoded_text(make(stomp_command::message, {{"k", "a\rb"}}), v1_2), "MESSAGE\nk:a\\rb\n\n\0"sv);
    // 1.0 has no escapes: octets are written as they are.
    EXPECT_EQ(encoded_text(make(stomp_command::send, {{"k\\n", "a:b\\c"}}), v1_0), "SEND\nk\\n:a:b\\c\n\n\0"sv);
}

TEST(StompEncode, connect_frames_are_not_escaped) {
    for (const auto command : {stomp_command::connect, stomp_command::stomp, stomp_command::connected}) {
        const auto frame = make(command, {{"login", "a\\nb:c"}});
        EXPECT_EQ(encoded_text(frame, v1_2), std::string(command_name(command)) + "\nlogin:a\\nb:c\n\n" + '\0');
        expect_round_trip(frame, v1_2);
    }
}

TEST(StompEncode, refuses_headers_it_cannot_write) {
    struct row {
        stomp_command command;
        stomp_version version;
        std::string name;
        std::string value;
    };
    const row rows[] = {
        {stomp_command::send, v1_2, "", "v"},                        // empty name
        {stomp_command::send, v1_2, "k", std::string("a\0b", 3)},    // NUL
        {stomp_command::send, v1_2, std::string("k\0", 2), "v"},     // NUL
        {stomp_command::send, v1_1, "k", "a\rb"},                    // 1.1 has no \r
        {stomp_command::send, v1_0, "k", "a\nb"},                    // 1.0: no escapes
        {stomp_command::send, v1_0, "k", "a\rb"},
        {stomp_command::send, v1_0, "k:", "v"},
        {stomp_command::connect, v1_2, "k", "a\nb"},                 // never escaped
        {stomp_command::stomp, v1_2, "k", "a\rb"},
        {stomp_command::connected, v1_1, "k:", "v"},
    };
    for (const auto& r : rows) {
        auto frame = make(r.command, {{"ok", "1"}, {r.name, r.value}});
        std::vector<std::byte> out(2, std::byte{'x'});
        const auto size = stomp_codec::encode_into(frame, r.version, out);
        EXPECT_EQ(size.error(), stomp_errc::unencodable_header) << ::testing::PrintToString(r.name + ":" + r.value);
        EXPECT_EQ(out, std::vector<std::byte>(2, std::byte{'x'}));
        EXPECT_EQ(stomp_codec::encode(frame, r.version).error(), stomp_errc::unencodable_header);
    }
}

TEST(StompEncode, round_trips_in_every_version) {
    const auto binary = std::string("\0bin\0ary\n\0"sv);
    const stomp_frame frames[] = {
        make(stomp_command::send, {{"destination", "/queue/a"}, {"k", "a:b\\c"}, {"k", "second"}}, "body"),
        make(stomp_command::message, {{"content-length", std::to_string(binary.size())}, {"x", ""}}, binary),
        make(stomp_command::error, {{"message", "caf\xC3\xA9"}}, "details\n"),
        make(stomp_command::connect, {{"accept-version", "1.0,1.1,1.2"}, {"host", "h:1"}}),
    };
    for (const auto version : {v1_0, v1_1, v1_2}) {
        for (const auto& frame : frames) expect_round_trip(frame, version);
    }
    const auto escaped = make(stomp_command::message, {{"a:b\n\\", "x\ny:z\\"}});
    expect_round_trip(escaped, v1_1);
    expect_round_trip(escaped, v1_2);
    expect_round_trip(make(stomp_command::ack, {{"id\r", "\r\n"}}), v1_2);
}

} // namespace
} // namespace gantry::protocols::stomp
