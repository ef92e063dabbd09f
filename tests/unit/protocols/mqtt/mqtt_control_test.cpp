// PINGREQ, PINGRESP, DISCONNECT and AUTH (3.1.1 §3.12-3.14, 5.0 §3.12-3.15).
#include <gtest/gtest.h>

#include "mqtt_test_support.hpp"

namespace gantry::protocols::mqtt {
namespace {

using namespace test;
using enum protocol_version;

TEST(mqtt_control, ping) {
    for (const auto version : {v3_1, v3_1_1, v5}) {
        expect_both_ways(wire("C0 00"), pingreq_packet{}, version);
        expect_both_ways(wire("D0 00"), pingresp_packet{}, version);
        EXPECT_EQ(decode_error(wire("C0 01 00"), version).code, mqtt_errc::trailing_bytes);
        EXPECT_EQ(decode_error(wire("D0 01 00"), version).message, "PINGRESP has 1 unexpected bytes after its last field");
    }
}

TEST(mqtt_control, v3_disconnect) {
    expect_both_ways(wire("E0 00"), disconnect_packet{}, v3_1_1);
    expect_both_ways(wire("E0 00"), disconnect_packet{}, v3_1);
    EXPECT_EQ(decode_error(wire("E0 01 00"), v3_1_1).code, mqtt_errc::trailing_bytes);
    // The reason is not written for 3.1.1.
    EXPECT_EQ(mqtt_codec::encode(disconnect_packet{reason_code::server_shutting_down, {}}, v3_1_1).value(),
              wire("E0 00"));
}

TEST(mqtt_control, v5_disconnect) {
    expect_both_ways(wire("E0 00"), disconnect_packet{}, v5);
    expect_both_ways(wire("E0 01 04"), disconnect_packet{reason_code::disconnect_with_will_message, {}}, v5);
    expect_both_ways(wire("E0 01 8E"), disconnect_packet{reason_code::session_taken_over, {}}, v5);
    disconnect_packet moved{reason_code::use_another_server, {}};
    moved.properties.session_expiry_interval = 0;
    moved.properties.server_reference = "sr";
    moved.properties.reason_string = "r";
    moved.properties.user_properties = {{"a", "b"}};
    expect_both_ways(wire("E0 17 9C 15 11 00 00 00 00 1C 00 02 'sr' 1F 00 01 'r' 26 00 01 'a' 00 01 'b'"), moved,
                     v5);
    // A reason code followed by a property length of 0 is accepted.
    EXPECT_EQ(decode_whole(wire("E0 02 00 00"), v5), mqtt_packet(disconnect_packet{}));

    auto diagnostic = decode_error(wire("E0 01 10"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_reason_code);
    EXPECT_EQ(diagnostic.message, "DISCONNECT reason code 0x10 is not one this packet may carry");
    EXPECT_EQ(decode_error(wire("E0 05 00 03 23 00 01"), v5).code, mqtt_errc::property_not_allowed);
    EXPECT_EQ(decode_error(wire("E0 03 00 00 00"), v5).code, mqtt_errc::trailing_bytes);
    EXPECT_EQ(encode_error(disconnect_packet{reason_code::granted_qos_1, {}}, v5), mqtt_errc::invalid_reason_code);
}

TEST(mqtt_control, auth) {
    expect_both_ways(wire("F0 00"), auth_packet{}, v5);
    expect_both_ways(wire("F0 02 18 00"), auth_packet{reason_code::continue_authentication, {}}, v5);
    auth_packet reauth{reason_code::re_authenticate, {}};
    reauth.properties.authentication_method = "SCRAM";
    reauth.properties.authentication_data = bytes{std::byte{1}, std::byte{2}};
    reauth.properties.reason_string = "r";
    expect_both_ways(wire("F0 13 19 11 15 00 05 'SCRAM' 16 00 02 01 02 1F 00 01 'r'"), reauth, v5);
    auth_packet success_with_properties;
    success_with_properties.properties.user_properties = {{"k", "v"}};
    expect_both_ways(wire("F0 09 00 07 26 00 01 'k' 00 01 'v'"), success_with_properties, v5);
    // A lone reason code is accepted, though we always write the property length.
    EXPECT_EQ(decode_whole(wire("F0 01 18"), v5), mqtt_packet(auth_packet{reason_code::continue_authentication, {}}));

    EXPECT_EQ(decode_error(wire("F0 02 87 00"), v5).code, mqtt_errc::invalid_reason_code);
    EXPECT_EQ(decode_error(wire("F0 07 18 05 11 00 00 00 01"), v5).code, mqtt_errc::property_not_allowed);
    EXPECT_EQ(encode_error(auth_packet{}, v3_1_1), mqtt_errc::not_in_version);
    EXPECT_EQ(encode_error(auth_packet{reason_code::not_authorized, {}}, v5), mqtt_errc::invalid_reason_code);
}

TEST(mqtt_control, reason_code_tables) {
    EXPECT_TRUE(reason_code_allowed(packet_type::connack, reason_code::unsupported_protocol_version));
    EXPECT_FALSE(reason_code_allowed(packet_type::connack, reason_code::granted_qos_1));
    EXPECT_TRUE(reason_code_allowed(packet_type::disconnect, reason_code::packet_too_large));
    EXPECT_TRUE(reason_code_allowed(packet_type::disconnect, reason_code::malformed_packet));
    EXPECT_TRUE(reason_code_allowed(packet_type::disconnect, reason_code::protocol_error));
    EXPECT_FALSE(reason_code_allowed(packet_type::publish, reason_code::success));
    EXPECT_TRUE(reason_code_allowed(packet_type::puback, reason_code::payload_format_invalid));
    EXPECT_FALSE(reason_code_allowed(packet_type::pubrel, reason_code::quota_exceeded));
    for (std::uint8_t code = 0; code <= 5; ++code) {
        const auto reason = from_v3_connack_code(code);
        ASSERT_TRUE(reason);
        EXPECT_EQ(to_v3_connack_code(*reason), code);
    }
}

} // namespace
} // namespace gantry::protocols::mqtt
