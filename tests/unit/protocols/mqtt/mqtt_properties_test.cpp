// MQTT 5.0 properties (§2.2.2): every identifier where it is allowed, once;
// twice is a protocol error (but for User Property, and Subscription
// Identifier in PUBLISH); elsewhere a protocol error; unknown ones malformed.
#include <gtest/gtest.h>

#include <string>

#include "mqtt_test_support.hpp"

namespace gantry::protocols::mqtt {
namespace {

using namespace test;
using enum protocol_version;

// Packets that hold a property block; one letter each in the table below.
enum class holder { connect, will, connack, publish, disconnect, auth, subscribe };
constexpr std::string_view holder_letters = "CWKPDAS";

bytes with_properties(holder h, const bytes& props) {
    bytes block;
    append_variable_byte_integer(static_cast<std::uint32_t>(props.size()), block);
    block.insert(block.end(), props.begin(), props.end());
    bytes body;
    std::uint8_t first = 0;
    switch (h) {
    case holder::connect: first = 0x10; body = concat(concat(wire("00 04 'MQTT' 05 02 00 00"), block), wire("00 00")); break;
    case holder::will:
        first = 0x10;
        body = concat(concat(wire("00 04 'MQTT' 05 06 00 00 00 00 00"), block), wire("00 01 't' 00 00"));
        break;
    case holder::connack: first = 0x20; body = concat(wire("00 00"), block); break;
    case holder::publish: first = 0x30; body = concat(wire("00 01 't'"), block); break;
    case holder::disconnect: first = 0xE0; body = concat(wire("00"), block); break;
    case holder::auth: first = 0xF0; body = concat(wire("00"), block); break;
    case holder::subscribe: first = 0x82; body = concat(concat(wire("00 01"), block), wire("00 01 'a' 00")); break;
    }
    bytes out{std::byte{first}};
    append_variable_byte_integer(static_cast<std::uint32_t>(body.size()), out);
    return concat(out, body);
}

struct property_case {
    const char* encoded;  // one occurrence
    std::string_view allowed;  // holder letters, the first one used for "once"
};

// 5.0 §2.2.2.2 table 2-4, restated for the test.
const property_case property_cases[] = {
    {"01 01", "PW"},           {"02 00 00 00 01", "PW"}, {"03 00 01 'a'", "PW"},  {"08 00 01 'a'", "PW"},
    {"09 00 01 01", "PW"},     {"0B 01", "SP"},          {"11 00 00 00 01", "KCD"}, {"12 00 01 'a'", "K"},
    {"13 00 01", "K"},         {"15 00 01 'a'", "ACK"},  {"16 00 01 01", "ACK"},  {"17 01", "C"},
    {"18 00 00 00 01", "W"},   {"19 01", "C"},           {"1A 00 01 'a'", "K"},   {"1C 00 01 'a'", "KD"},
    {"1F 00 01 'a'", "DKA"},   {"21 00 01", "CK"},       {"22 00 01", "KC"},      {"23 00 01", "P"},
    {"24 01", "K"},            {"25 01", "K"},           {"27 00 00 00 01", "CK"}, {"28 01", "K"},
    {"29 01", "K"},            {"2A 01", "K"},
};

holder holder_of(char letter) {
    return static_cast<holder>(holder_letters.find(letter));
}

TEST(mqtt_properties, each_property_once_decodes_and_round_trips) {
    for (const auto& c : property_cases) {
        const auto input = with_properties(holder_of(c.allowed[0]), wire(c.encoded));
        const auto decoded = mqtt_codec{}.decode(input, v5);
        ASSERT_EQ(decoded.status, decode_status::complete) << c.encoded << ": " << decoded.diagnostic.message;
        EXPECT_EQ(mqtt_codec::encode(decoded.packet, v5).value(), input) << c.encoded;
    }
}

TEST(mqtt_properties, single_valued_properties_twice_are_protocol_errors) {
    for (const auto& c : property_cases) {
        const auto once = wire(c.encoded);
        const auto input = with_properties(holder_of(c.allowed[0]), concat(once, once));
        const auto diagnostic = decode_error(input, v5);
        EXPECT_EQ(diagnostic.code, mqtt_errc::duplicate_property) << c.encoded;
        EXPECT_EQ(diagnostic.reason, reason_code::protocol_error) << c.encoded;
    }
    EXPECT_EQ(decode_error(with_properties(holder::connack, wire("24 01 24 01")), v5).message,
              "CONNACK property Maximum QoS (0x24) appears more than once");
    EXPECT_EQ(decode_error(with_properties(holder::will, wire("18 00 00 00 01 18 00 00 00 01")), v5).message,
              "CONNECT will property Will Delay Interval (0x18) appears more than once");
}

TEST(mqtt_properties, repeatable_properties) {
    const auto users = decode_as<disconnect_packet>(
        with_properties(holder::disconnect, wire("26 00 01 'b' 00 01 '1' 26 00 01 'a' 00 00 26 00 01 'b' 00 01 '2'")),
        v5);
    const std::vector<user_property> expected = {{"b", "1"}, {"a", ""}, {"b", "2"}};
    EXPECT_EQ(users.properties.user_properties, expected);
    const auto ids = decode_as<publish_packet>(with_properties(holder::publish, wire("0B 02 0B FF FF FF 7F 0B 01")), v5);
    EXPECT_EQ(ids.properties.subscription_identifiers, (std::vector<std::uint32_t>{2, 268'435'455, 1}));
}

TEST(mqtt_properties, properties_outside_their_packets_are_protocol_errors) {
    for (const auto& c : property_cases) {
        for (const char letter : holder_letters) {
            if (c.allowed.find(letter) != std::string_view::npos) continue;
            const auto diagnostic = decode_error(with_properties(holder_of(letter), wire(c.encoded)), v5);
            EXPECT_EQ(diagnostic.code, mqtt_errc::property_not_allowed) << c.encoded << " in " << letter;
            EXPECT_EQ(diagnostic.reason, reason_code::protocol_error);
        }
    }
    EXPECT_EQ(decode_error(with_properties(holder::will, wire("11 00 00 00 01")), v5).message,
              "CONNECT will property Session Expiry Interval (0x11) is not allowed in this packet");
}

TEST(mqtt_properties, unknown_identifiers_are_malformed) {
    for (const auto id : {"00", "04", "0A", "14", "2B", "7F", "80", "FF"}) {
        const auto diagnostic = decode_error(with_properties(holder::publish, wire(std::string(id) + " 00")), v5);
        EXPECT_EQ(diagnostic.code, mqtt_errc::unknown_property) << id;
        EXPECT_EQ(diagnostic.reason, reason_code::malformed_packet);
    }
}

TEST(mqtt_properties, lengths_that_overrun_are_malformed) {
    // Property length past the packet; a value past the property block.
    EXPECT_EQ(decode_error(wire("E0 03 00 05 1F"), v5).code, mqtt_errc::truncated);
    auto diagnostic = decode_error(wire("30 09 00 01 't' 02 23 00 'payload'"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::truncated);
    EXPECT_EQ(diagnostic.message, "PUBLISH property Topic Alias (0x23) runs past the end of the packet");
    EXPECT_EQ(decode_error(wire("30 07 00 01 't' 03 0B FF FF"), v5).code, mqtt_errc::truncated);
    // Variable byte integers longer than four bytes.
    diagnostic = decode_error(wire("30 09 00 01 't' 05 0B FF FF FF FF"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::malformed_variable_byte_integer);
    EXPECT_EQ(diagnostic.message, "PUBLISH property Subscription Identifier (0x0B) is longer than four bytes");
    EXPECT_EQ(decode_error(wire("30 07 00 01 't' FF FF FF FF"), v5).code, mqtt_errc::malformed_variable_byte_integer);
}

TEST(mqtt_properties, values_out_of_range) {
    for (const auto id : {"01", "17", "19", "24", "25", "28", "29", "2A"}) {
        const auto* c = std::find_if(std::begin(property_cases), std::end(property_cases),
                                     [&](const property_case& pc) { return std::string(pc.encoded).starts_with(id); });
        const auto diagnostic = decode_error(with_properties(holder_of(c->allowed[0]), wire(std::string(id) + " 02")), v5);
        EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_property_value) << id;
        EXPECT_EQ(diagnostic.reason, reason_code::protocol_error);
    }
    EXPECT_EQ(decode_error(with_properties(holder::connack, wire("24 02")), v5).message,
              "CONNACK property Maximum QoS (0x24) is 2 (must be 0 or 1)");
    EXPECT_EQ(decode_error(with_properties(holder::connect, wire("21 00 00")), v5).code,
              mqtt_errc::invalid_property_value);
    EXPECT_EQ(decode_error(with_properties(holder::connack, wire("27 00 00 00 00")), v5).code,
              mqtt_errc::invalid_property_value);
    EXPECT_EQ(decode_error(with_properties(holder::subscribe, wire("0B 00")), v5).code,
              mqtt_errc::invalid_property_value);
}

TEST(mqtt_properties, encoding_refuses_what_decoding_refuses) {
    connack_packet connack;
    connack.properties.topic_alias = 1;
    EXPECT_EQ(encode_error(connack, v5), mqtt_errc::property_not_allowed);
    connack.properties = {};
    connack.properties.retain_available = 2;
    EXPECT_EQ(encode_error(connack, v5), mqtt_errc::invalid_property_value);
    connack.properties = {};
    connack.properties.receive_maximum = 0;
    EXPECT_EQ(encode_error(connack, v5), mqtt_errc::invalid_property_value);
    connack.properties = {};
    connack.properties.reason_string = std::string(65'536, 'r');
    EXPECT_EQ(encode_error(connack, v5), mqtt_errc::value_too_large);
    publish_packet publish;
    publish.topic = "t";
    publish.properties.subscription_identifiers = {268'435'456};
    EXPECT_EQ(encode_error(publish, v5), mqtt_errc::value_too_large);
    publish.properties.subscription_identifiers = {0};
    EXPECT_EQ(encode_error(publish, v5), mqtt_errc::invalid_property_value);
    publish.properties = {};
    publish.properties.correlation_data = bytes(65'536);
    EXPECT_EQ(encode_error(publish, v5), mqtt_errc::value_too_large);
    // Same packet for 3.1.1: properties are not written, so nothing to refuse.
    EXPECT_TRUE(mqtt_codec::encode(publish, v3_1_1));
}

} // namespace
} // namespace gantry::protocols::mqtt
