// ROCKETMQ binary headers (spec 1.3), built byte by byte from the table.
#include <gtest/gtest.h>

#include "remoting_test_support.hpp"

namespace gantry::protocols::remoting {
namespace {

using namespace test;

struct entry {
    std::string key;
    std::string value;
};

bytes binary_header(std::uint16_t code, std::uint8_t language, std::uint16_t version, std::uint32_t opaque,
                    std::uint32_t flag, std::string_view remark, const std::vector<entry>& ext) {
    bytes out;
    put_u16(out, code);
    out.push_back(static_cast<std::byte>(language));
    put_u16(out, version);
    put_u32(out, opaque);
    put_u32(out, flag);
    put_u32(out, static_cast<std::uint32_t>(remark.size()));
    put_text(out, remark);
    bytes block;
    for (const auto& [key, value] : ext) {
        put_u16(block, static_cast<std::uint16_t>(key.size()));
        put_text(block, key);
        put_u32(block, static_cast<std::uint32_t>(value.size()));
        put_text(block, value);
    }
    put_u32(out, static_cast<std::uint32_t>(block.size()));
    out.insert(out.end(), block.begin(), block.end());
    return out;
}

TEST(binary_header, decodes_every_field) {
    const auto header = binary_header(310, 0, 409, 77, 0, "hi", {{"a", "pg"}, {"b", "T1"}, {"i", "K\x01V\x02"}});
    const auto command = decode_whole(frame(1, header, to_bytes("body")));
    EXPECT_EQ(command.serialization, serialization_type::rocketmq);
    EXPECT_EQ(command.code, 310);
    EXPECT_EQ(command.language, "JAVA");
    EXPECT_EQ(command.version, 409);
    EXPECT_EQ(command.opaque, 77);
    EXPECT_EQ(command.flag, 0);
    EXPECT_EQ(*command.remark, "hi");
    EXPECT_EQ(command.ext_fields.size(), 3U);
    EXPECT_EQ(*command.find_ext("i"), "K\x01V\x02");
    EXPECT_EQ(to_text(command.body), "body");
}

TEST(binary_header, zero_lengths_are_null_and_code_is_signed_i16) {
    const auto command = decode_whole(frame(1, binary_header(0xFFFF, 9, 317, 0xFFFFFFFF, 3, "", {})));
    EXPECT_EQ(command.code, -1);
    EXPECT_EQ(command.language, "GO");
    EXPECT_EQ(command.opaque, -1);
    EXPECT_TRUE(command.is_response());
    EXPECT_TRUE(command.is_oneway());
    EXPECT_FALSE(command.remark.has_value());
    EXPECT_TRUE(command.ext_fields.empty());
}

TEST(binary_header, empty_keys_and_values_survive) {
    const auto command = decode_whole(frame(1, binary_header(10, 1, 1, 1, 0, "", {{"", ""}, {"k", ""}})));
    EXPECT_EQ(*command.find_ext(""), "");
    EXPECT_EQ(*command.find_ext("k"), "");
}

TEST(binary_header, unknown_language_byte_reads_as_other) {
    EXPECT_EQ(decode_whole(frame(1, binary_header(10, 200, 1, 1, 0, "", {}))).language, "OTHER");
    EXPECT_EQ(decode_whole(frame(1, binary_header(10, 13, 1, 1, 0, "", {}))).language, "NODE_JS");
}

TEST(binary_header, bytes_after_the_ext_block_are_ignored_like_java) {
    auto header = binary_header(10, 0, 1, 1, 0, "r", {{"k", "v"}});
    header.push_back(std::byte{0xAB});
    const auto command = decode_whole(frame(1, header));
    EXPECT_EQ(*command.find_ext("k"), "v");
}

TEST(binary_header, lengths_that_overrun_the_header_are_refused) {
    EXPECT_NE(decode_error(frame(1, bytes(20))).find("shorter than its 21-byte fixed part"), std::string::npos);

    auto remark_too_long = binary_header(10, 0, 1, 1, 0, "abc", {});
    remark_too_long[16] = std::byte{100};  // low byte of remarkLength
    EXPECT_NE(decode_error(frame(1, remark_too_long)).find("remark length 100"), std::string::npos);

    auto negative_remark = binary_header(10, 0, 1, 1, 0, "", {});
    negative_remark[13] = std::byte{0xFF};
    EXPECT_NE(decode_error(frame(1, negative_remark)).find("remark length -"), std::string::npos);

    auto ext_too_long = binary_header(10, 0, 1, 1, 0, "", {{"k", "v"}});
    ext_too_long[20] = std::byte{50};  // low byte of extLength
    EXPECT_NE(decode_error(frame(1, ext_too_long)).find("ext block length 50"), std::string::npos);

    auto value_too_long = binary_header(10, 0, 1, 1, 0, "", {{"k", "v"}});
    value_too_long[value_too_long.size() - 2] = std::byte{9};  // low byte of valLen
    EXPECT_NE(decode_error(frame(1, value_too_long)).find("ext value length 9"), std::string::npos);

    auto key_too_long = binary_header(10, 0, 1, 1, 0, "", {{"k", "v"}});
    key_too_long[22] = std::byte{40};  // low byte of keyLen
    EXPECT_NE(decode_error(frame(1, key_too_long)).find("ext key of 40 bytes"), std::string::npos);

    auto negative_key = binary_header(10, 0, 1, 1, 0, "", {{"k", "v"}});
    negative_key[21] = std::byte{0x80};
    EXPECT_NE(decode_error(frame(1, negative_key)).find("negative"), std::string::npos);

    auto torn_entry = binary_header(10, 0, 1, 1, 0, "", {{"k", "v"}});
    torn_entry[20] = std::byte{9};  // ext block of 9 = entry (8) + 1 stray byte
    torn_entry.push_back(std::byte{0});
    EXPECT_NE(decode_error(frame(1, torn_entry)).find("inside a key length"), std::string::npos);

    const auto error = remoting_codec{}.decode(frame(1, bytes(5)));
    EXPECT_EQ(error.diagnostic.code, remoting_errc::malformed_binary_header);
}

TEST(binary_header, malformed_utf8_becomes_replacement_characters) {
    const auto command = decode_whole(frame(1, binary_header(10, 0, 1, 1, 0, "\xC0\x80", {{"k\xFF", "\xED\xA0\x80"}})));
    EXPECT_EQ(*command.remark, "\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(*command.find_ext("k\xEF\xBF\xBD"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

} // namespace
} // namespace gantry::protocols::remoting
