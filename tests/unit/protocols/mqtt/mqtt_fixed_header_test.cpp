// Fixed header (3.1.1 §2.2, 5.0 §2.1): remaining-length edges, reserved
// types and flags, the size limit, and need_more for every prefix.
#include <gtest/gtest.h>

#include "mqtt_test_support.hpp"

namespace gantry::protocols::mqtt {
namespace {

using namespace test;
using enum protocol_version;

struct vbi_case {
    std::uint32_t value;
    const char* encoded;
};

// 5.0 §1.5.5 table 1-1: the boundaries of each encoded size.
const vbi_case vbi_cases[] = {
    {0, "00"},
    {127, "7F"},
    {128, "80 01"},
    {16'383, "FF 7F"},
    {16'384, "80 80 01"},
    {2'097'151, "FF FF 7F"},
    {2'097'152, "80 80 80 01"},
    {268'435'455, "FF FF FF 7F"},
};

TEST(mqtt_fixed_header, variable_byte_integer_boundaries) {
    for (const auto& c : vbi_cases) {
        const auto expected = wire(c.encoded);
        bytes encoded;
        ASSERT_TRUE(append_variable_byte_integer(c.value, encoded));
        EXPECT_EQ(encoded, expected) << c.value;
        EXPECT_EQ(variable_byte_integer_size(c.value), expected.size());
        const auto decoded = decode_variable_byte_integer(expected);
        EXPECT_EQ(decoded.status, vbi_status::complete);
        EXPECT_EQ(decoded.value, c.value);
        EXPECT_EQ(decoded.size, expected.size());
        for (std::size_t size = 0; size < expected.size(); ++size) {
            EXPECT_EQ(decode_variable_byte_integer(std::span(expected).first(size)).status, vbi_status::need_more);
        }
    }
    bytes none;
    EXPECT_FALSE(append_variable_byte_integer(268'435'456, none));
    EXPECT_TRUE(none.empty());
    EXPECT_EQ(variable_byte_integer_size(268'435'456), 0U);
    EXPECT_EQ(decode_variable_byte_integer(wire("FF FF FF FF 7F")).status, vbi_status::malformed);
    EXPECT_EQ(decode_variable_byte_integer(wire("80 80 80 80")).status, vbi_status::malformed);
    // Not minimal, but what the value says.
    EXPECT_EQ(decode_variable_byte_integer(wire("80 00")).value, 0U);
}

bytes publish_with_remaining(std::uint32_t remaining) {
    // QoS 0 PUBLISH to "t": 3 bytes of topic, the rest payload.
    auto out = wire("30");
    append_variable_byte_integer(remaining, out);
    const auto topic = wire("00 01 't'");
    out.insert(out.end(), topic.begin(), topic.end());
    out.resize(out.size() + remaining - topic.size(), std::byte{'x'});
    return out;
}

TEST(mqtt_fixed_header, remaining_length_edges_decode_and_encode) {
    for (const std::uint32_t remaining : {3U, 127U, 128U, 16'383U, 16'384U, 2'097'151U, 2'097'152U}) {
        const auto input = publish_with_remaining(remaining);
        const auto decoded = mqtt_codec{}.decode(input, v3_1_1);
        ASSERT_EQ(decoded.status, decode_status::complete) << remaining;
        EXPECT_EQ(decoded.consumed, input.size());
        const auto& publish = std::get<publish_packet>(decoded.packet);
        EXPECT_EQ(publish.payload.size(), remaining - 3);
        EXPECT_EQ(mqtt_codec::encode(publish, v3_1_1).value(), input) << remaining;
    }
    // The largest remaining length: the header alone tells the size.
    const auto decoded = mqtt_codec{}.decode(wire("30 FF FF FF 7F 00 01"), v3_1_1);
    EXPECT_EQ(decoded.status, decode_status::need_more);
    EXPECT_EQ(decoded.packet_size, 268'435'460U);
    EXPECT_EQ(default_max_packet_size, 268'435'460U);
}

TEST(mqtt_fixed_header, zero_remaining_length) {
    EXPECT_EQ(decode_whole(wire("C0 00"), v3_1_1), mqtt_packet{pingreq_packet{}});
    EXPECT_EQ(decode_whole(wire("D0 00"), v5), mqtt_packet{pingresp_packet{}});
}

TEST(mqtt_fixed_header, a_fifth_length_byte_is_refused_as_soon_as_seen) {
    const auto diagnostic = decode_error(wire("30 FF FF FF FF"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::malformed_variable_byte_integer);
    EXPECT_EQ(diagnostic.reason, reason_code::malformed_packet);
    EXPECT_EQ(diagnostic.packet, packet_type::publish);
    EXPECT_EQ(mqtt_codec{}.decode(wire("30 FF FF FF"), v5).status, decode_status::need_more);
    EXPECT_EQ(mqtt_codec{}.decode(wire("30 FF FF FF"), v5).packet_size, 0U);
}

TEST(mqtt_fixed_header, oversized_packets_are_refused_from_the_header) {
    const mqtt_codec small(16);
    EXPECT_EQ(small.max_packet_size(), 16U);
    const auto fits = publish_with_remaining(14);
    ASSERT_EQ(fits.size(), 16U);
    EXPECT_EQ(small.decode(fits, v3_1_1).status, decode_status::complete);
    const auto over = publish_with_remaining(15);
    const auto diagnostic = decode_error(bytes(over.begin(), over.begin() + 2), v5, small);
    EXPECT_EQ(diagnostic.code, mqtt_errc::packet_too_large);
    EXPECT_EQ(diagnostic.reason, reason_code::packet_too_large);
    EXPECT_EQ(static_cast<int>(diagnostic.reason), 0x95);
    EXPECT_EQ(diagnostic.message, "PUBLISH of 17 bytes exceeds the 16-byte maximum packet size");
}

TEST(mqtt_fixed_header, reserved_packet_types) {
    auto diagnostic = decode_error(wire("00 00"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::reserved_packet_type);
    EXPECT_EQ(diagnostic.reason, reason_code::malformed_packet);
    EXPECT_FALSE(diagnostic.packet.has_value());
    EXPECT_EQ(decode_error(wire("00"), v3_1_1).code, mqtt_errc::reserved_packet_type);
    // AUTH exists only in 5.0.
    diagnostic = decode_error(wire("F0 00"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::reserved_packet_type);
    EXPECT_EQ(diagnostic.message, "packet type 15 (AUTH) exists only in MQTT 5.0");
    EXPECT_EQ(decode_error(wire("F0"), v3_1).code, mqtt_errc::reserved_packet_type);
    EXPECT_EQ(decode_whole(wire("F0 00"), v5), mqtt_packet{auth_packet{}});
}

TEST(mqtt_fixed_header, reserved_flags_are_malformed) {
    // Every packet type except PUBLISH with each wrong flag nibble.
    for (unsigned type = 1; type <= 15; ++type) {
        if (type == 3) continue;
        const bool two = type == 6 || type == 8 || type == 10;
        for (unsigned flags = 0; flags < 16; ++flags) {
            if (flags == (two ? 2U : 0U)) continue;
            const bytes input = {static_cast<std::byte>(type << 4 | flags)};
            const auto diagnostic = decode_error(input, v5);
            EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_flags) << type << " " << flags;
            EXPECT_EQ(diagnostic.reason, reason_code::malformed_packet);
        }
    }
    EXPECT_EQ(decode_error(wire("80"), v5).message, "SUBSCRIBE fixed header flags are 0x0 (must be 0x2)");
    EXPECT_EQ(decode_error(wire("C1"), v3_1_1).message, "PINGREQ fixed header flags are 0x1 (must be 0x0)");
}

TEST(mqtt_fixed_header, publish_qos_3_and_dup_without_qos_are_malformed) {
    auto diagnostic = decode_error(wire("36"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_qos);
    EXPECT_EQ(diagnostic.message, "PUBLISH QoS is 3");
    diagnostic = decode_error(wire("38 03 00 01 't'"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_flags);
    EXPECT_EQ(diagnostic.message, "PUBLISH has DUP set with QoS 0");
}

TEST(mqtt_fixed_header, mqtt_3_1_lets_resent_packets_carry_dup) {
    const auto pubrel = wire("6A 02 00 07");
    EXPECT_EQ(decode_whole(pubrel, v3_1), mqtt_packet(pubrel_packet{7, reason_code::success, {}}));
    EXPECT_EQ(decode_error(pubrel, v3_1_1).code, mqtt_errc::invalid_flags);
    EXPECT_EQ(decode_whole(wire("8A 06 00 01 00 01 'a' 00"), v3_1),
              mqtt_packet(subscribe_packet{1, {{"a"}}, {}}));
    EXPECT_EQ(decode_whole(wire("AA 05 00 01 00 01 'a'"), v3_1), mqtt_packet(unsubscribe_packet{1, {"a"}, {}}));
}

// One packet of each type and version, for the framing properties below.
std::vector<std::pair<bytes, protocol_version>> sample_packets() {
    return {
        {wire("10 0F 00 04 'MQTT' 04 02 00 3C 00 03 'abc'"), v3_1_1},
        {wire("10 10 00 04 'MQTT' 05 02 00 3C 00 00 03 'abc'"), v5},
        {wire("10 11 00 06 'MQIsdp' 03 02 00 3C 00 03 'abc'"), v3_1},
        {wire("20 02 00 00"), v3_1_1},
        {wire("20 06 01 00 03 21 00 0A"), v5},
        {wire("32 0A 00 03 'a/b' 00 01 'hi' 00"), v3_1_1},
        {wire("34 0C 00 03 'a/b' 00 01 03 23 00 05 'x'"), v5},
        {wire("40 02 00 01"), v3_1_1},
        {wire("50 03 00 01 10"), v5},
        {wire("62 02 00 01"), v3_1_1},
        {wire("70 03 00 01 92"), v5},
        {wire("82 08 00 01 00 03 'a/+' 01"), v3_1_1},
        {wire("82 09 00 02 02 0B 05 00 01 '#' 2E"), v5},
        {wire("90 05 00 01 00 01 80"), v3_1_1},
        {wire("A2 07 00 01 00 03 'a/#'"), v3_1_1},
        {wire("B0 02 00 01"), v3_1_1},
        {wire("B0 04 00 01 00 11"), v5},
        {wire("C0 00"), v3_1_1},
        {wire("D0 00"), v5},
        {wire("E0 00"), v3_1_1},
        {wire("E0 01 04"), v5},
        {wire("F0 02 18 00"), v5},
    };
}

TEST(mqtt_fixed_header, every_prefix_of_a_valid_packet_needs_more) {
    const mqtt_codec codec;
    for (const auto& [whole, version] : sample_packets()) {
        for (std::size_t size = 0; size < whole.size(); ++size) {
            const auto decoded = codec.decode(std::span(whole).first(size), version);
            ASSERT_EQ(decoded.status, decode_status::need_more) << "prefix of " << size << " bytes";
            EXPECT_EQ(decoded.packet_size, size < 2 ? 0 : whole.size());
        }
        const auto decoded = codec.decode(whole, version);
        ASSERT_EQ(decoded.status, decode_status::complete) << decoded.diagnostic.message;
        EXPECT_EQ(decoded.consumed, whole.size());
        EXPECT_EQ(decoded.version, version);
        EXPECT_EQ(mqtt_codec::encode(decoded.packet, version).value(), whole);
    }
}

TEST(mqtt_fixed_header, consecutive_packets_decode_one_at_a_time) {
    bytes stream;
    for (const auto& [whole, version] : sample_packets()) {
        if (version == v5) stream.insert(stream.end(), whole.begin(), whole.end());
    }
    const mqtt_codec codec;
    std::size_t offset = 0;
    std::size_t count = 0;
    while (offset < stream.size()) {
        const auto decoded = codec.decode(std::span(stream).subspan(offset), v5);
        ASSERT_EQ(decoded.status, decode_status::complete);
        offset += decoded.consumed;
        ++count;
    }
    EXPECT_EQ(count, 10U);
    EXPECT_EQ(offset, stream.size());
}

TEST(mqtt_fixed_header, encode_into_appends_and_encoded_size_matches) {
    bytes out = wire("AA");
    const mqtt_packet packet = puback_packet{9, reason_code::success, {}};
    const auto size = mqtt_codec::encode_into(packet, v3_1_1, out);
    ASSERT_TRUE(size);
    EXPECT_EQ(size.value(), 4U);
    EXPECT_EQ(out, wire("AA 40 02 00 09"));
    EXPECT_EQ(mqtt_codec::encoded_size(packet, v3_1_1).value(), 4U);
    // Unchanged on error.
    EXPECT_FALSE(mqtt_codec::encode_into(puback_packet{0, reason_code::success, {}}, v3_1_1, out));
    EXPECT_EQ(out, wire("AA 40 02 00 09"));
}

TEST(mqtt_fixed_header, errors_have_a_category_and_messages) {
    const std::error_code code = mqtt_errc::duplicate_property;
    EXPECT_STREQ(code.category().name(), "gantry.mqtt");
    EXPECT_EQ(code.message(), "MQTT property appears more than once");
    for (int value = 1; value <= static_cast<int>(mqtt_errc::not_in_version); ++value) {
        EXPECT_NE(std::error_code(value, mqtt_category()).message(), "unknown MQTT error") << value;
    }
}

} // namespace
} // namespace gantry::protocols::mqtt
