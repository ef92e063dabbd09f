// CONNECT and CONNACK (3.1 §3.1-3.2, 3.1.1 §3.1-3.2, 5.0 §3.1-3.2).
#include <gtest/gtest.h>

#include "mqtt_test_support.hpp"

namespace gantry::protocols::mqtt {
namespace {

using namespace test;
using enum protocol_version;

bytes v(std::initializer_list<int> values) {
    bytes out;
    for (const int value : values) out.push_back(static_cast<std::byte>(value));
    return out;
}

TEST(mqtt_connect, minimal_3_1_1) {
    connect_packet expected;
    expected.client_id = "abc";
    expected.keep_alive = 60;
    expect_both_ways(wire("10 0F 00 04 'MQTT' 04 02 00 3C 00 03 'abc'"), expected, v3_1_1);
}

TEST(mqtt_connect, bridge_bit_on_the_3_x_protocol_level) {
    // Mosquitto's try_private: level 0x84 (0x83 for 3.1) marks a bridge.
    connect_packet expected;
    expected.client_id = "abc";
    expected.keep_alive = 60;
    expected.bridge = true;
    expect_both_ways(wire("10 0F 00 04 'MQTT' 84 02 00 3C 00 03 'abc'"), expected, v3_1_1);
    expect_both_ways(wire("10 11 00 06 'MQIsdp' 83 02 00 3C 00 03 'abc'"), expected, v3_1);
    // 5.0 has No Local instead.
    EXPECT_EQ(encode_error(expected, v5), mqtt_errc::protocol_violation);
}

TEST(mqtt_connect, full_3_1_1_with_will_user_and_password) {
    connect_packet expected;
    expected.client_id = "abc";
    expected.keep_alive = 60;
    expected.will = will_message{"w/t", to_bytes("hi"), 2, true, {}};
    expected.user_name = "u";
    expected.password = to_bytes("p");
    const auto input = wire("10 1E 00 04 'MQTT' 04 F6 00 3C 00 03 'abc' 00 03 'w/t' 00 02 'hi' 00 01 'u' 00 01 'p'");
    expect_both_ways(input, expected, v3_1_1);
    // 5.0-only fields are not written for 3.1.1.
    auto with_properties = expected;
    with_properties.properties.session_expiry_interval = 10;
    with_properties.will->properties.will_delay_interval = 5;
    EXPECT_EQ(mqtt_codec::encode(with_properties, v3_1_1).value(), input);
}

TEST(mqtt_connect, mqtt_3_1_uses_mqisdp) {
    connect_packet expected;
    expected.client_id = "abc";
    expected.keep_alive = 60;
    const auto input = wire("10 11 00 06 'MQIsdp' 03 02 00 3C 00 03 'abc'");
    expect_both_ways(input, expected, v3_1);
    // Whatever version the caller guessed, the CONNECT's own level wins.
    for (const auto guess : {v3_1, v3_1_1, v5}) {
        const auto decoded = mqtt_codec{}.decode(input, guess);
        ASSERT_EQ(decoded.status, decode_status::complete);
        EXPECT_EQ(decoded.version, v3_1);
    }
}

TEST(mqtt_connect, full_5_0_with_every_connect_and_will_property) {
    const auto input = wire(
        "10 76 00 04 'MQTT' 05 EE 00 0A"
        " 28 11 00 00 00 0A 15 00 05 'SCRAM' 16 00 02 01 02 17 00 19 01 21 00 14 22 00 05"
        " 26 00 01 'k' 00 01 'v' 27 00 00 10 00"
        " 00 04 'dev1'"
        " 26 01 01 02 00 00 00 3C 03 00 04 'text' 08 00 04 'resp' 09 00 02 AB CD 18 00 00 00 05"
        " 26 00 01 'a' 00 01 'b'"
        " 00 04 'will' 00 03 'bye' 00 04 'user' 00 03 01 02 03");
    connect_packet expected;
    expected.client_id = "dev1";
    expected.keep_alive = 10;
    auto& props = expected.properties;
    props.session_expiry_interval = 10;
    props.authentication_method = "SCRAM";
    props.authentication_data = v({1, 2});
    props.request_problem_information = 0;
    props.request_response_information = 1;
    props.receive_maximum = 20;
    props.topic_alias_maximum = 5;
    props.user_properties = {{"k", "v"}};
    props.maximum_packet_size = 4096;
    will_message will;
    will.topic = "will";
    will.payload = to_bytes("bye");
    will.qos = 1;
    will.retain = true;
    will.properties.payload_format_indicator = 1;
    will.properties.message_expiry_interval = 60;
    will.properties.content_type = "text";
    will.properties.response_topic = "resp";
    will.properties.correlation_data = v({0xAB, 0xCD});
    will.properties.will_delay_interval = 5;
    will.properties.user_properties = {{"a", "b"}};
    expected.will = will;
    expected.user_name = "user";
    expected.password = v({1, 2, 3});
    expect_both_ways(input, expected, v5);
    EXPECT_EQ(mqtt_codec{}.decode(input, v3_1_1).version, v5);
    for (std::size_t size = 0; size < input.size(); ++size) {
        EXPECT_EQ(mqtt_codec{}.decode(std::span(input).first(size), v5).status, decode_status::need_more) << size;
    }
}

TEST(mqtt_connect, properties_in_any_order_decode) {
    // Receive Maximum before Session Expiry Interval.
    const auto packet =
        decode_as<connect_packet>(wire("10 15 00 04 'MQTT' 05 02 00 00 08 21 00 05 11 00 00 00 01 00 00"), v5);
    EXPECT_EQ(packet.properties.receive_maximum, 5);
    EXPECT_EQ(packet.properties.session_expiry_interval, 1U);
}

TEST(mqtt_connect, reserved_and_inconsistent_flags_are_malformed) {
    auto diagnostic = decode_error(wire("10 0F 00 04 'MQTT' 04 03 00 3C 00 03 'abc'"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_flags);
    EXPECT_EQ(diagnostic.reason, reason_code::malformed_packet);
    EXPECT_EQ(diagnostic.message, "CONNECT reserved connect flag (bit 0) is set");
    // Will QoS 1 without the will flag; will retain without it.
    EXPECT_EQ(decode_error(wire("10 0F 00 04 'MQTT' 04 0A 00 3C 00 03 'abc'"), v3_1_1).code,
              mqtt_errc::invalid_flags);
    EXPECT_EQ(decode_error(wire("10 10 00 04 'MQTT' 05 22 00 3C 00 00 03 'abc'"), v5).code,
              mqtt_errc::invalid_flags);
    // Will QoS 3.
    diagnostic = decode_error(wire("10 0F 00 04 'MQTT' 04 1E 00 3C 00 03 'abc'"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_qos);
    EXPECT_EQ(diagnostic.message, "CONNECT will QoS is 3");
    // Will topic with a wildcard.
    diagnostic = decode_error(wire("10 16 00 04 'MQTT' 04 06 00 3C 00 03 'abc' 00 03 'a/#' 00 00"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_topic_name);
    EXPECT_EQ(diagnostic.message, "CONNECT will topic contains '#' (wildcards are not allowed in topic names)");
}

TEST(mqtt_connect, password_without_user_name_only_in_5_0) {
    auto diagnostic = decode_error(wire("10 12 00 04 'MQTT' 04 42 00 3C 00 03 'abc' 00 01 'p'"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::protocol_violation);
    EXPECT_EQ(decode_error(wire("10 14 00 06 'MQIsdp' 03 42 00 3C 00 03 'abc' 00 01 'p'"), v3_1).code,
              mqtt_errc::protocol_violation);
    connect_packet packet;
    packet.client_id = "abc";
    packet.keep_alive = 60;
    packet.password = to_bytes("p");
    EXPECT_EQ(encode_error(packet, v3_1_1), mqtt_errc::protocol_violation);
    expect_both_ways(wire("10 13 00 04 'MQTT' 05 42 00 3C 00 00 03 'abc' 00 01 'p'"), packet, v5);
}

TEST(mqtt_connect, unknown_protocol_level_tells_the_connack_code) {
    const auto level_6 = wire("10 0F 00 04 'MQTT' 06 02 00 3C 00 03 'abc'");
    auto diagnostic = decode_error(level_6, v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::unsupported_protocol);
    EXPECT_EQ(diagnostic.reason, reason_code::unsupported_protocol_version);
    EXPECT_EQ(diagnostic.packet, packet_type::connect);
    EXPECT_EQ(diagnostic.connack_code(), 0x01);
    EXPECT_EQ(diagnostic.message,
              "CONNECT protocol level 6 with protocol name 'MQTT' is not supported (3 with 'MQIsdp' is 3.1, 4 "
              "with 'MQTT' 3.1.1, 5 with 'MQTT' 5.0)");
    diagnostic = decode_error(level_6, v5);
    EXPECT_EQ(diagnostic.connack_code(), 0x84);

    EXPECT_EQ(decode_error(wire("10 0F 00 04 'MQTT' 03 02 00 3C 00 03 'abc'"), v3_1_1).connack_code(), 0x01);
    EXPECT_EQ(decode_error(wire("10 11 00 06 'MQIsdp' 04 02 00 3C 00 03 'abc'"), v3_1).connack_code(), 0x01);
    diagnostic = decode_error(wire("10 0F 00 04 'MQXX' 04 02 00 3C 00 03 'abc'"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::unsupported_protocol);
    EXPECT_EQ(diagnostic.connack_code(), 0x84);
    EXPECT_EQ(diagnostic.message, "CONNECT protocol name 'MQXX' is neither 'MQTT' nor 'MQIsdp'");
}

TEST(mqtt_connect, malformed_connect_answers_in_its_own_version) {
    // A 5.0 CONNECT with an unknown property: CONNACK 0x81 even if the caller guessed 3.1.1.
    auto diagnostic = decode_error(wire("10 12 00 04 'MQTT' 05 02 00 3C 02 7F 00 00 03 'abc'"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::unknown_property);
    EXPECT_EQ(diagnostic.version, v5);
    EXPECT_EQ(diagnostic.connack_code(), 0x81);
    EXPECT_EQ(diagnostic.message, "CONNECT has unknown property identifier 0x7F");
    // A malformed 3.1.1 CONNECT has no return code: close without CONNACK.
    diagnostic = decode_error(wire("10 10 00 04 'MQTT' 04 02 00 3C 00 03 'abc' 00"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::trailing_bytes);
    EXPECT_EQ(diagnostic.version, v3_1_1);
    EXPECT_EQ(diagnostic.connack_code(), std::nullopt);
    // Truncated fields.
    diagnostic = decode_error(wire("10 0D 00 04 'MQTT' 04 02 00 3C 00 03 'a'"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::truncated);
    EXPECT_EQ(diagnostic.message, "CONNECT client identifier runs past the end of the packet");
    // Not a CONNECT: no CONNACK code.
    EXPECT_EQ(decode_error(wire("E0 01 05"), v5).connack_code(), std::nullopt);
}

TEST(mqtt_connect, authentication_data_needs_a_method) {
    const auto diagnostic = decode_error(wire("10 11 00 04 'MQTT' 05 02 00 3C 04 16 00 01 07 00 00"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::protocol_violation);
    EXPECT_EQ(diagnostic.reason, reason_code::protocol_error);
    connect_packet packet;
    packet.properties.authentication_data = v({7});
    EXPECT_EQ(encode_error(packet, v5), mqtt_errc::protocol_violation);
}

TEST(mqtt_connack, v3_return_codes) {
    expect_both_ways(wire("20 02 01 00"), connack_packet{true, reason_code::success, {}}, v3_1_1);
    expect_both_ways(wire("20 02 00 01"), connack_packet{false, reason_code::unsupported_protocol_version, {}},
                     v3_1_1);
    expect_both_ways(wire("20 02 00 02"), connack_packet{false, reason_code::client_identifier_not_valid, {}},
                     v3_1);
    expect_both_ways(wire("20 02 00 03"), connack_packet{false, reason_code::server_unavailable, {}}, v3_1_1);
    expect_both_ways(wire("20 02 00 04"), connack_packet{false, reason_code::bad_user_name_or_password, {}},
                     v3_1_1);
    expect_both_ways(wire("20 02 00 05"), connack_packet{false, reason_code::not_authorized, {}}, v3_1_1);
    EXPECT_EQ(decode_error(wire("20 02 00 06"), v3_1_1).code, mqtt_errc::invalid_reason_code);
    EXPECT_EQ(decode_error(wire("20 02 02 00"), v3_1_1).code, mqtt_errc::invalid_flags);
    EXPECT_EQ(decode_error(wire("20 03 00 00 00"), v3_1_1).code, mqtt_errc::trailing_bytes);
    // 5.0 reasons map onto the 3.1.1 codes; those without one cannot be sent.
    EXPECT_EQ(mqtt_codec::encode(connack_packet{false, reason_code::banned, {}}, v3_1_1).value(),
              wire("20 02 00 05"));
    EXPECT_EQ(mqtt_codec::encode(connack_packet{false, reason_code::server_busy, {}}, v3_1_1).value(),
              wire("20 02 00 03"));
    EXPECT_EQ(encode_error(connack_packet{false, reason_code::quota_exceeded, {}}, v3_1_1),
              mqtt_errc::not_in_version);
    EXPECT_EQ(to_v3_connack_code(reason_code::malformed_packet), std::nullopt);
    EXPECT_EQ(from_v3_connack_code(6), std::nullopt);
}

TEST(mqtt_connack, v5_with_every_connack_property) {
    const auto input = wire(
        "20 44 00 00 41"
        " 11 00 00 00 3C 12 00 03 'cid' 13 00 1E 15 00 01 'm' 16 00 01 07 1A 00 02 'ri' 1C 00 02 'sr'"
        " 1F 00 02 'ok' 21 00 64 22 00 0A 24 01 25 00 26 00 01 'x' 00 01 'y' 27 00 01 00 00 28 01 29 00 2A 01");
    connack_packet expected;
    auto& p = expected.properties;
    p.session_expiry_interval = 60;
    p.assigned_client_identifier = "cid";
    p.server_keep_alive = 30;
    p.authentication_method = "m";
    p.authentication_data = v({7});
    p.response_information = "ri";
    p.server_reference = "sr";
    p.reason_string = "ok";
    p.receive_maximum = 100;
    p.topic_alias_maximum = 10;
    p.maximum_qos = 1;
    p.retain_available = 0;
    p.user_properties = {{"x", "y"}};
    p.maximum_packet_size = 65'536;
    p.wildcard_subscription_available = 1;
    p.subscription_identifiers_available = 0;
    p.shared_subscription_available = 1;
    expect_both_ways(input, expected, v5);
}

TEST(mqtt_connack, v5_reason_codes) {
    expect_both_ways(wire("20 03 00 87 00"), connack_packet{false, reason_code::not_authorized, {}}, v5);
    expect_both_ways(wire("20 03 00 9F 00"), connack_packet{false, reason_code::connection_rate_exceeded, {}}, v5);
    // 0x8E Session taken over is a DISCONNECT reason, not a CONNACK one.
    const auto diagnostic = decode_error(wire("20 03 00 8E 00"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_reason_code);
    EXPECT_EQ(diagnostic.reason, reason_code::protocol_error);
    EXPECT_EQ(diagnostic.message, "CONNACK reason code 0x8E is not one this packet may carry");
    EXPECT_EQ(encode_error(connack_packet{false, reason_code::session_taken_over, {}}, v5),
              mqtt_errc::invalid_reason_code);
    // The property length is required in a 5.0 CONNACK.
    EXPECT_EQ(decode_error(wire("20 02 00 00"), v5).code, mqtt_errc::truncated);
}

} // namespace
} // namespace gantry::protocols::mqtt
