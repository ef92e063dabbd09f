// Frame boundaries (spec 1.1): need_more for every prefix, errors for what
// Java's decoder would close the connection on.
#include <gtest/gtest.h>

#include "remoting_test_support.hpp"

namespace gantry::protocols::remoting {
namespace {

using namespace test;

bytes sample_frames() {
    remoting_command json;
    json.code = 310;
    json.opaque = 9;
    json.remark = "r";
    json.set_ext("i", "A\x01" "B\x02");
    json.body = to_bytes("payload");
    remoting_command binary = json;
    binary.serialization = serialization_type::rocketmq;
    auto out = remoting_codec{}.encode(json).value();
    const auto second = remoting_codec{}.encode(binary).value();
    out.insert(out.end(), second.begin(), second.end());
    return out;
}

TEST(framing, every_truncation_of_a_valid_frame_needs_more) {
    const std::vector<bytes> frames = {
        json_frame("{\"code\":34,\"language\":\"CPP\",\"extFields\":{\"d\":4}}\n", "body"),
        json_frame(R"({"code":0})"),
        remoting_codec{}.encode([] {
            remoting_command c;
            c.serialization = serialization_type::rocketmq;
            c.remark = "remark";
            c.set_ext("key", "value");
            c.body = to_bytes("xyz");
            return c;
        }()).value(),
    };
    const remoting_codec codec;
    for (const auto& whole : frames) {
        for (std::size_t size = 0; size < whole.size(); ++size) {
            const auto decoded = codec.decode(std::span(whole).first(size));
            ASSERT_EQ(decoded.status, decode_status::need_more) << "prefix of " << size << " bytes";
            EXPECT_EQ(decoded.frame_size, size < 4 ? 0 : whole.size());
        }
        EXPECT_EQ(codec.decode(whole).status, decode_status::complete);
    }
}

TEST(framing, consecutive_frames_decode_one_at_a_time) {
    const auto stream = sample_frames();
    const remoting_codec codec;
    auto first = codec.decode(stream);
    ASSERT_EQ(first.status, decode_status::complete);
    EXPECT_EQ(first.command.serialization, serialization_type::json);
    auto second = codec.decode(std::span(stream).subspan(first.consumed));
    ASSERT_EQ(second.status, decode_status::complete);
    EXPECT_EQ(second.command.serialization, serialization_type::rocketmq);
    EXPECT_EQ(first.consumed + second.consumed, stream.size());
    second.command.serialization = serialization_type::json;
    EXPECT_EQ(first.command, second.command);
}

TEST(framing, oversized_frames_are_refused_with_the_sizes) {
    bytes huge;
    put_u32(huge, 20000000);
    EXPECT_EQ(decode_error(huge), "frame of 20000004 bytes exceeds the 16777216-byte limit");

    const remoting_codec small(64);
    const auto fits = json_frame(R"({"code":1})", std::string(64 - 8 - 10, 'x'));
    ASSERT_EQ(fits.size(), 64U);
    EXPECT_EQ(small.decode(fits).status, decode_status::complete);
    const auto over = json_frame(R"({"code":1})", std::string(64 - 8 - 10 + 1, 'x'));
    const auto refused = small.decode(std::span(over).first(4));
    EXPECT_EQ(refused.status, decode_status::error);
    EXPECT_EQ(refused.diagnostic.code, remoting_errc::frame_too_large);
}

TEST(framing, negative_and_short_lengths_are_refused) {
    bytes negative;
    put_u32(negative, 0x80000000);
    EXPECT_NE(decode_error(negative).find("frame length -2147483648"), std::string::npos);
    for (std::uint32_t length = 0; length < 4; ++length) {
        bytes too_short;
        put_u32(too_short, length);
        EXPECT_EQ(remoting_codec{}.decode(too_short).diagnostic.code, remoting_errc::invalid_length);
    }
}

TEST(framing, header_longer_than_frame_is_refused_from_the_first_8_bytes) {
    bytes input;
    put_u32(input, 4 + 10);
    put_u32(input, 11);
    EXPECT_EQ(decode_error(input), "header length 11 exceeds the 10 bytes the frame has after its header word");
}

TEST(framing, unknown_serialization_type_is_refused) {
    for (std::uint32_t type : {2U, 7U, 0xFFU}) {
        bytes input;
        put_u32(input, 4 + 2);
        put_u32(input, (type << 24) | 2U);
        const auto decoded = remoting_codec{}.decode(input);
        EXPECT_EQ(decoded.status, decode_status::error);
        EXPECT_EQ(decoded.diagnostic.code, remoting_errc::unknown_serialization);
        EXPECT_NE(decoded.diagnostic.reason.find(std::to_string(type)), std::string::npos);
    }
}

TEST(framing, garbage_is_an_error_or_need_more_but_never_a_crash) {
    const remoting_codec codec;
    // HTTP on the remoting port: "GET " is a 1.2 GB length.
    EXPECT_EQ(codec.decode(to_bytes("GET / HTTP/1.1\r\n\r\n")).diagnostic.code, remoting_errc::frame_too_large);
    std::uint32_t state = 12345;
    for (int round = 0; round < 2000; ++round) {
        bytes noise(static_cast<std::size_t>(round % 64));
        for (auto& b : noise) {
            state = state * 1103515245 + 12345;
            b = static_cast<std::byte>(state >> 16);
        }
        if (noise.size() >= 4) {  // keep some lengths small enough to reach the header
            noise[0] = std::byte{0};
            noise[1] = std::byte{0};
            noise[2] = std::byte{0};
            noise[3] = static_cast<std::byte>(noise.size() - 4);
        }
        const auto decoded = codec.decode(noise);
        if (decoded.status == decode_status::error) {
            EXPECT_FALSE(decoded.diagnostic.reason.empty());
        }
    }
}

TEST(framing, body_is_what_follows_the_header) {
    const auto command = decode_whole(json_frame(R"({"code":11})", std::string("\0\x01\xFF", 3)));
    ASSERT_EQ(command.body.size(), 3U);
    EXPECT_EQ(command.body[2], std::byte{0xFF});
}

} // namespace
} // namespace gantry::protocols::remoting
