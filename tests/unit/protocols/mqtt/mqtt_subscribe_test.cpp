// SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK (3.1.1 §3.8-3.11, 5.0 §3.8-3.11).
#include <gtest/gtest.h>

#include "mqtt_test_support.hpp"

namespace gantry::protocols::mqtt {
namespace {

using namespace test;
using enum protocol_version;

TEST(mqtt_subscribe, v3_subscribe) {
    const subscribe_packet expected{10, {{"a/b", 1}, {"c/+/", 2}}, {}};
    for (const auto version : {v3_1, v3_1_1}) {
        expect_both_ways(wire("82 0F 00 0A 00 03 'a/b' 01 00 04 'c/+/' 02"), expected, version);
    }
    // 5.0 options are not written for 3.1.1.
    auto with_options = expected;
    with_options.subscriptions[0].no_local = true;
    with_options.subscriptions[0].retain_handling = retain_handling::do_not_send;
    EXPECT_EQ(mqtt_codec::encode(with_options, v3_1_1).value(), mqtt_codec::encode(expected, v3_1_1).value());
    // "$share/" is an ordinary filter before 5.0.
    EXPECT_EQ(decode_as<subscribe_packet>(wire("82 0C 00 01 00 07 '$share/' 00"), v3_1_1).subscriptions[0].filter,
              "$share/");
}

TEST(mqtt_subscribe, v3_subscribe_errors) {
    auto diagnostic = decode_error(wire("82 06 00 01 00 01 'a' 04"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_flags);
    EXPECT_EQ(diagnostic.reason, reason_code::malformed_packet);
    EXPECT_EQ(diagnostic.message, "SUBSCRIBE reserved subscription option bits are set for 'a'");
    EXPECT_EQ(decode_error(wire("82 06 00 01 00 01 'a' 03"), v3_1_1).code, mqtt_errc::invalid_qos);
    diagnostic = decode_error(wire("82 02 00 01"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::protocol_violation);
    EXPECT_EQ(diagnostic.message, "SUBSCRIBE has no topic filters");
    EXPECT_EQ(decode_error(wire("82 06 00 00 00 01 'a' 00"), v3_1_1).code, mqtt_errc::invalid_packet_id);
    diagnostic = decode_error(wire("82 07 00 01 00 02 'a#' 00"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_topic_filter);
    EXPECT_EQ(diagnostic.reason, reason_code::malformed_packet);
    EXPECT_EQ(diagnostic.message, "SUBSCRIBE topic filter 'a#' has a '#' that is not the whole last level");
    EXPECT_EQ(decode_error(wire("82 05 00 01 00 00 00"), v3_1_1).message, "SUBSCRIBE topic filter '' is empty");
    EXPECT_EQ(decode_error(wire("82 05 00 01 00 01 'a'"), v3_1_1).code, mqtt_errc::truncated);
}

TEST(mqtt_subscribe, v5_subscribe_with_options_and_shared_subscription) {
    subscribe_packet expected{1, {}, {}};
    expected.properties.subscription_identifiers = {10};
    expected.properties.user_properties = {{"k", "v"}};
    subscription shared{"$share/g/a/+", 1};
    shared.retain_handling = retain_handling::do_not_send;
    subscription all{"#", 1};
    all.no_local = true;
    all.retain_as_published = true;
    expected.subscriptions = {shared, all};
    expect_both_ways(
        wire("82 1F 00 01 09 0B 0A 26 00 01 'k' 00 01 'v' 00 0C '$share/g/a/+' 21 00 01 '#' 0D"), expected, v5);
    subscription if_new{"x", 0};
    if_new.retain_handling = retain_handling::send_if_new_subscription;
    expect_both_ways(wire("82 07 00 02 00 00 01 'x' 10"), subscribe_packet{2, {if_new}, {}}, v5);
}

TEST(mqtt_subscribe, v5_subscribe_errors) {
    auto diagnostic = decode_error(wire("82 07 00 01 00 00 01 'a' 40"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_flags);
    EXPECT_EQ(diagnostic.reason, reason_code::malformed_packet);
    diagnostic = decode_error(wire("82 07 00 01 00 00 01 'a' 30"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_flags);
    EXPECT_EQ(diagnostic.reason, reason_code::protocol_error);
    EXPECT_EQ(diagnostic.message, "SUBSCRIBE asks for retain handling 3 for 'a'");
    diagnostic = decode_error(wire("82 10 00 01 00 00 0A '$share/g/a' 04"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::protocol_violation);
    EXPECT_EQ(diagnostic.reason, reason_code::protocol_error);
    EXPECT_EQ(diagnostic.message, "SUBSCRIBE sets no local on shared subscription '$share/g/a'");
    diagnostic = decode_error(wire("82 0D 00 01 00 00 07 '$share/' 00"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_topic_filter);
    EXPECT_EQ(diagnostic.message,
              "SUBSCRIBE topic filter '$share/' is a shared subscription without a '/' after the share name");
    diagnostic = decode_error(wire("82 0B 00 01 04 0B 01 0B 02 00 01 'a' 00"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::duplicate_property);
    EXPECT_EQ(diagnostic.message, "SUBSCRIBE property Subscription Identifier (0x0B) appears more than once");
    EXPECT_EQ(decode_error(wire("82 03 00 01 00"), v5).code, mqtt_errc::protocol_violation);

    subscribe_packet bad{1, {}, {}};
    EXPECT_EQ(encode_error(bad, v5), mqtt_errc::protocol_violation);
    bad.subscriptions = {{"a/#/b"}};
    EXPECT_EQ(encode_error(bad, v5), mqtt_errc::invalid_topic_filter);
    bad.subscriptions = {{"a", 3}};
    EXPECT_EQ(encode_error(bad, v5), mqtt_errc::invalid_qos);
    bad.subscriptions = {{"a"}};
    bad.subscriptions[0].retain_handling = static_cast<retain_handling>(3);
    EXPECT_EQ(encode_error(bad, v5), mqtt_errc::invalid_flags);
    bad.subscriptions = {{"$share/g/a"}};
    bad.subscriptions[0].no_local = true;
    EXPECT_EQ(encode_error(bad, v5), mqtt_errc::protocol_violation);
    bad.subscriptions = {{"a"}};
    bad.properties.subscription_identifiers = {1, 2};
    EXPECT_EQ(encode_error(bad, v5), mqtt_errc::duplicate_property);
    EXPECT_EQ(encode_error(subscribe_packet{0, {{"a"}}, {}}, v5), mqtt_errc::invalid_packet_id);
}

TEST(mqtt_suback, v3_return_codes) {
    const suback_packet expected{
        1, {reason_code::granted_qos_0, reason_code::granted_qos_1, reason_code::granted_qos_2,
            reason_code::unspecified_error}, {}};
    expect_both_ways(wire("90 06 00 01 00 01 02 80"), expected, v3_1_1);
    auto diagnostic = decode_error(wire("90 03 00 01 03"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_reason_code);
    EXPECT_EQ(diagnostic.message, "SUBACK return code 0x03 is reserved");
    EXPECT_EQ(decode_error(wire("90 02 00 01"), v3_1_1).code, mqtt_errc::protocol_violation);
    // Every 5.0 failure is 0x80 in 3.1.1.
    EXPECT_EQ(mqtt_codec::encode(suback_packet{1, {reason_code::not_authorized}, {}}, v3_1_1).value(),
              wire("90 03 00 01 80"));
    EXPECT_EQ(encode_error(suback_packet{1, {reason_code::no_matching_subscribers}, {}}, v3_1_1),
              mqtt_errc::not_in_version);
    EXPECT_EQ(encode_error(suback_packet{1, {}, {}}, v3_1_1), mqtt_errc::protocol_violation);
}

TEST(mqtt_suback, v5_reason_codes) {
    suback_packet expected{1,
                           {reason_code::granted_qos_0, reason_code::granted_qos_1, reason_code::granted_qos_2,
                            reason_code::unspecified_error, reason_code::not_authorized,
                            reason_code::topic_filter_invalid, reason_code::shared_subscriptions_not_supported,
                            reason_code::subscription_identifiers_not_supported,
                            reason_code::wildcard_subscriptions_not_supported},
                           {}};
    expected.properties.reason_string = "no";
    expect_both_ways(wire("90 11 00 01 05 1F 00 02 'no' 00 01 02 80 87 8F 9E A1 A2"), expected, v5);
    EXPECT_EQ(decode_error(wire("90 04 00 01 00 92"), v5).code, mqtt_errc::invalid_reason_code);
    EXPECT_EQ(encode_error(suback_packet{1, {reason_code::packet_identifier_not_found}, {}}, v5),
              mqtt_errc::invalid_reason_code);
}

TEST(mqtt_unsubscribe, v3_and_v5) {
    expect_both_ways(wire("A2 0C 00 05 00 03 'a/b' 00 03 'c/#'"), unsubscribe_packet{5, {"a/b", "c/#"}, {}},
                     v3_1_1);
    expect_both_ways(wire("A2 0F 00 05 00 00 0A '$share/g/t'"), unsubscribe_packet{5, {"$share/g/t"}, {}}, v5);
    unsubscribe_packet with_property{6, {"t"}, {}};
    with_property.properties.user_properties = {{"a", ""}};
    expect_both_ways(wire("A2 0C 00 06 06 26 00 01 'a' 00 00 00 01 't'"), with_property, v5);

    auto diagnostic = decode_error(wire("A2 0B 00 01 00 03 'a/b' 00 02 'c#'"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_topic_filter);
    EXPECT_EQ(decode_error(wire("A2 02 00 05"), v3_1_1).code, mqtt_errc::protocol_violation);
    diagnostic = decode_error(wire("A2 08 00 05 02 0B 01 00 01 'a'"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::property_not_allowed);
    EXPECT_EQ(encode_error(unsubscribe_packet{5, {}, {}}, v3_1_1), mqtt_errc::protocol_violation);
    EXPECT_EQ(encode_error(unsubscribe_packet{5, {"+a"}, {}}, v3_1_1), mqtt_errc::invalid_topic_filter);
    EXPECT_EQ(encode_error(unsubscribe_packet{0, {"a"}, {}}, v3_1_1), mqtt_errc::invalid_packet_id);
}

TEST(mqtt_unsuback, v3_and_v5) {
    expect_both_ways(wire("B0 02 00 05"), unsuback_packet{5, {}, {}}, v3_1_1);
    EXPECT_EQ(decode_error(wire("B0 03 00 05 00"), v3_1_1).code, mqtt_errc::trailing_bytes);
    // Reasons are not written for 3.1.1.
    EXPECT_EQ(mqtt_codec::encode(unsuback_packet{5, {reason_code::success}, {}}, v3_1_1).value(),
              wire("B0 02 00 05"));

    expect_both_ways(wire("B0 06 00 05 00 00 11 87"),
                     unsuback_packet{5, {reason_code::success, reason_code::no_subscription_existed,
                                         reason_code::not_authorized}, {}},
                     v5);
    unsuback_packet with_reason_string{7, {reason_code::topic_filter_invalid}, {}};
    with_reason_string.properties.reason_string = "r";
    expect_both_ways(wire("B0 08 00 07 04 1F 00 01 'r' 8F"), with_reason_string, v5);
    EXPECT_EQ(decode_error(wire("B0 03 00 05 00"), v5).code, mqtt_errc::protocol_violation);
    EXPECT_EQ(decode_error(wire("B0 04 00 05 00 10"), v5).code, mqtt_errc::invalid_reason_code);
    EXPECT_EQ(encode_error(unsuback_packet{5, {}, {}}, v5), mqtt_errc::protocol_violation);
}

} // namespace
} // namespace gantry::protocols::mqtt
