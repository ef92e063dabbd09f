// Encoding: Java-shaped JSON byte for byte, ROCKETMQ layout, scatter/gather
// lengths, and decode(encode(x)) == x.
#include <gtest/gtest.h>

#include <array>

#include "remoting_test_support.hpp"

namespace gantry::protocols::remoting {
namespace {

using namespace test;

remoting_command send_response() {
    remoting_command response;
    response.code = 0;
    response.flag = response_flag;
    response.opaque = 42;
    response.set_ext("msgId", "C0A8010100002A9F0000000000001A2B");
    response.set_ext("queueId", "2");
    response.set_ext("queueOffset", "17");
    response.set_ext("MSG_REGION", "DefaultRegion");
    response.set_ext("TRACE_ON", "true");
    return response;
}

std::uint32_t word_at(const bytes& data, std::size_t pos) {
    return (std::to_integer<std::uint32_t>(data[pos]) << 24) | (std::to_integer<std::uint32_t>(data[pos + 1]) << 16) |
           (std::to_integer<std::uint32_t>(data[pos + 2]) << 8) | std::to_integer<std::uint32_t>(data[pos + 3]);
}

TEST(encode, json_header_is_java_shaped_byte_for_byte) {
    const auto encoded = remoting_codec{}.encode(send_response()).value();
    const std::string expected =
        R"({"code":0,"extFields":{"MSG_REGION":"DefaultRegion","TRACE_ON":"true",)"
        R"("msgId":"C0A8010100002A9F0000000000001A2B","queueId":"2","queueOffset":"17"},"flag":1,)"
        R"("language":"JAVA","opaque":42,"serializeTypeCurrentRPC":"JSON","version":409})";
    ASSERT_EQ(encoded.size(), 8 + expected.size());
    EXPECT_EQ(word_at(encoded, 0), 4 + expected.size());
    EXPECT_EQ(word_at(encoded, 4), expected.size());  // type byte 0 = JSON
    EXPECT_EQ(to_text(std::span(encoded).subspan(8)), expected);
}

TEST(encode, remark_appears_only_when_set_and_empty_ext_is_omitted) {
    remoting_command command;
    command.code = 3;
    command.opaque = -7;
    command.flag = response_flag;
    command.remark = " request type 999 not supported";
    const auto encoded = remoting_codec{}.encode(command).value();
    EXPECT_EQ(to_text(std::span(encoded).subspan(8)),
              R"({"code":3,"flag":1,"language":"JAVA","opaque":-7,"remark":" request type 999 not supported",)"
              R"("serializeTypeCurrentRPC":"JSON","version":409})");
}

TEST(encode, control_characters_are_escaped_and_round_trip) {
    remoting_command command;
    command.set_ext("i", std::string("TAGS\x01" "a\x02" "K\x01v\"\\\n\r\t\b\f\x1f\x7f\x00" "\xC3\xA9", 22));
    command.remark = "line\nbreak";
    const auto encoded = remoting_codec{}.encode(command).value();
    const auto text = to_text(std::span(encoded).subspan(8));
    EXPECT_NE(text.find(R"("i":"TAGS\u0001a\u0002K\u0001v\"\\\n\r\t\b\f\u001F\u007F\u0000)" "\xC3\xA9\""),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(R"("remark":"line\nbreak")"), std::string::npos);
    EXPECT_EQ(decode_whole(encoded), command);
}

TEST(encode, rocketmq_header_layout) {
    auto command = send_response();
    command.serialization = serialization_type::rocketmq;
    command.ext_fields.clear();
    command.set_ext("k", "vv");
    command.remark = "r";
    command.language = "CPP";
    const auto encoded = remoting_codec{}.encode(command).value();
    const std::size_t header_size = 21 + 1 + (2 + 1 + 4 + 2);
    ASSERT_EQ(encoded.size(), 8 + header_size);
    EXPECT_EQ(word_at(encoded, 4), (1U << 24) | header_size);
    const bytes expected_header = {
        std::byte{0}, std::byte{0},                                        // code
        std::byte{1},                                                      // CPP
        std::byte{0x01}, std::byte{0x99},                                  // version 409
        std::byte{0}, std::byte{0}, std::byte{0}, std::byte{42},           // opaque
        std::byte{0}, std::byte{0}, std::byte{0}, std::byte{1},            // flag
        std::byte{0}, std::byte{0}, std::byte{0}, std::byte{1}, std::byte{'r'},
        std::byte{0}, std::byte{0}, std::byte{0}, std::byte{9},            // ext length
        std::byte{0}, std::byte{1}, std::byte{'k'},
        std::byte{0}, std::byte{0}, std::byte{0}, std::byte{2}, std::byte{'v'}, std::byte{'v'},
    };
    EXPECT_EQ(bytes(encoded.begin() + 8, encoded.end()), expected_header);
    EXPECT_EQ(decode_whole(encoded), command);
}

TEST(encode, rocketmq_refuses_values_that_do_not_fit_i16) {
    remoting_command pop;
    pop.code = 200050;  // POP_MESSAGE: JSON only
    pop.serialization = serialization_type::rocketmq;
    EXPECT_EQ(remoting_codec{}.encode(pop).error(), remoting_errc::field_out_of_range);
    pop.serialization = serialization_type::json;
    EXPECT_EQ(decode_whole(remoting_codec{}.encode(pop).value()).code, 200050);

    remoting_command long_key;
    long_key.serialization = serialization_type::rocketmq;
    long_key.set_ext(std::string(40000, 'k'), "v");
    EXPECT_EQ(remoting_codec{}.encode(long_key).error(), remoting_errc::field_out_of_range);
}

TEST(encode, unknown_language_name_travels_as_other_in_rocketmq) {
    remoting_command command;
    command.language = "ZIG";
    command.serialization = serialization_type::rocketmq;
    EXPECT_EQ(decode_whole(remoting_codec{}.encode(command).value()).language, "OTHER");
    command.serialization = serialization_type::json;
    EXPECT_EQ(decode_whole(remoting_codec{}.encode(command).value()).language, "ZIG");
}

TEST(encode, scatter_gather_head_counts_every_body_span) {
    const std::string a = "first record|";
    const std::string b = "second|";
    const std::string c = "third";
    const std::array<std::span<const std::byte>, 3> spans = {
        std::as_bytes(std::span(a)), std::as_bytes(std::span(b)), std::as_bytes(std::span(c))};
    for (const auto type : {serialization_type::json, serialization_type::rocketmq}) {
        auto command = make_response(remoting_command{}, response_code::success);
        command.serialization = type;
        command.set_ext("nextBeginOffset", "3");
        const remoting_codec codec;
        auto head = codec.encode_head(command, spans).value();
        EXPECT_EQ(word_at(head, 0), head.size() - 4 + a.size() + b.size() + c.size());
        EXPECT_EQ(codec.encode_head(command, a.size() + b.size() + c.size()).value(), head);

        // What the session's gathered write puts on the wire decodes whole.
        bytes wire = head;
        for (const auto span : spans) wire.insert(wire.end(), span.begin(), span.end());
        const auto decoded = decode_whole(wire);
        EXPECT_EQ(to_text(decoded.body), a + b + c);
        command.body = decoded.body;
        EXPECT_EQ(decoded, command);
        EXPECT_EQ(codec.encode(command).value(), wire);
    }
}

TEST(encode, frames_over_the_limit_are_refused) {
    remoting_command command;
    const remoting_codec codec(1024);
    EXPECT_EQ(codec.encode_head(command, 1024).error(), remoting_errc::frame_too_large);
    EXPECT_EQ(codec.encode_head(command, std::size_t{1} << 40).error(), remoting_errc::frame_too_large);
    command.body.resize(900);
    EXPECT_TRUE(codec.encode(command).has_value());
}

TEST(encode, round_trips_in_both_serializations) {
    remoting_command command;
    command.code = request_code::send_message_v2;
    command.language = "GO";
    command.version = 317;
    command.opaque = 2147483647;
    command.flag = oneway_flag;
    command.remark = "\xE4\xB8\xAD\xE6\x96\x87 remark";
    command.set_ext("a", "pg");
    command.set_ext("i", "KEYS\x01k1 k2\x02");
    command.set_ext("", "empty key");
    command.body = to_bytes(std::string("\0\x01\x02", 3));
    for (const auto type : {serialization_type::json, serialization_type::rocketmq}) {
        command.serialization = type;
        EXPECT_EQ(decode_whole(remoting_codec{}.encode(command).value()), command);
    }
}

} // namespace
} // namespace gantry::protocols::remoting
