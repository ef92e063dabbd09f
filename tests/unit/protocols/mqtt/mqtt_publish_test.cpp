// PUBLISH and its acknowledgements PUBACK, PUBREC, PUBREL, PUBCOMP
// (3.1.1 §3.3-3.7, 5.0 §3.3-3.7).
#include <gtest/gtest.h>

#include "mqtt_test_support.hpp"

namespace gantry::protocols::mqtt {
namespace {

using namespace test;
using enum protocol_version;

TEST(mqtt_publish, v3_qos_0_1_2) {
    for (const auto version : {v3_1, v3_1_1}) {
        expect_both_ways(wire("30 0A 00 03 'a/b' 'hello'"), make_publish("a/b", "hello"), version);
        auto dup_retain = make_publish("a/b", "hello", 1, 10);
        dup_retain.dup = true;
        dup_retain.retain = true;
        expect_both_ways(wire("3B 0C 00 03 'a/b' 00 0A 'hello'"), dup_retain, version);
        expect_both_ways(wire("34 07 00 03 'a/b' 00 0B"), make_publish("a/b", "", 2, 11), version);
    }
}

TEST(mqtt_publish, v5_with_every_publish_property) {
    const auto input = wire(
        "35 37 00 03 'a/b' 00 01 2D"
        " 01 01 02 00 00 00 0A 03 00 03 'c/t' 08 00 03 'r/t' 09 00 01 99 0B 05 0B 81 01 23 00 02"
        " 26 00 01 'k' 00 01 'v' 26 00 01 'k' 00 01 'w'"
        " 'pl'");
    auto expected = make_publish("a/b", "pl", 2, 1);
    expected.retain = true;
    auto& p = expected.properties;
    p.payload_format_indicator = 1;
    p.message_expiry_interval = 10;
    p.content_type = "c/t";
    p.response_topic = "r/t";
    p.correlation_data = bytes{std::byte{0x99}};
    p.subscription_identifiers = {5, 129};
    p.topic_alias = 2;
    p.user_properties = {{"k", "v"}, {"k", "w"}};  // repeated keys, in order
    expect_both_ways(input, expected, v5);
    // For 3.1.1 the properties are not written.
    auto plain = expected;
    plain.properties = {};
    EXPECT_EQ(mqtt_codec::encode(expected, v3_1_1).value(), mqtt_codec::encode(plain, v3_1_1).value());
}

TEST(mqtt_publish, a_payload_sent_behind_the_encoded_head_counts_in_its_remaining_length) {
    const auto head_of = [](const publish_packet& packet, std::size_t payload_after, protocol_version version) {
        bytes out{std::byte{0xEE}}; // appended to what is there
        const auto size = mqtt_codec::encode_publish_into(packet, payload_after, version, out);
        EXPECT_TRUE(size) << size.error().message();
        EXPECT_EQ(size ? *size : 0, out.size() - 1);
        return bytes(out.begin() + 1, out.end());
    };
    for (const auto version : {v3_1_1, v5}) {
        auto whole = make_publish("a/b", "hello", 1, 10);
        whole.properties.content_type = "text/plain";
        auto head_only = whole;
        head_only.payload.clear();
        auto head = head_of(head_only, whole.payload.size(), version);
        const auto payload = whole.payload_bytes();
        head.insert(head.end(), payload.begin(), payload.end());
        EXPECT_EQ(head, mqtt_codec::encode(whole, version).value());
        // Part of the payload in the packet, the rest behind it.
        auto half = whole;
        half.payload.resize(2);
        auto split = head_of(half, whole.payload.size() - 2, version);
        split.insert(split.end(), payload.begin() + 2, payload.end());
        EXPECT_EQ(split, mqtt_codec::encode(whole, version).value());
    }
    EXPECT_EQ(head_of(make_publish("a/b", ""), max_remaining_length - 5, v3_1_1), wire("30 FF FF FF 7F 00 03 'a/b'"));
    bytes untouched{std::byte{1}};
    EXPECT_EQ(mqtt_codec::encode_publish_into(make_publish("a/b", ""), max_remaining_length - 4, v3_1_1, untouched)
                  .error(),
              mqtt_errc::packet_too_large);
    EXPECT_EQ(mqtt_codec::encode_publish_into(make_publish("a/+", ""), 1, v3_1_1, untouched).error(),
              mqtt_errc::invalid_topic_name);
    EXPECT_EQ(untouched, bytes{std::byte{1}});
}

TEST(mqtt_publish, empty_topic_needs_a_topic_alias_in_5_0) {
    auto aliased = make_publish("", "");
    aliased.properties.topic_alias = 7;
    expect_both_ways(wire("30 06 00 00 03 23 00 07"), aliased, v5);
    auto diagnostic = decode_error(wire("30 03 00 00 00"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::protocol_violation);
    EXPECT_EQ(diagnostic.reason, reason_code::protocol_error);
    EXPECT_EQ(diagnostic.message, "PUBLISH has an empty topic name and no topic alias");
    diagnostic = decode_error(wire("30 02 00 00"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_topic_name);
    EXPECT_EQ(diagnostic.message, "PUBLISH topic name is empty");
    EXPECT_EQ(encode_error(aliased, v3_1_1), mqtt_errc::invalid_topic_name);
    EXPECT_EQ(encode_error(make_publish("", ""), v5), mqtt_errc::invalid_topic_name);
}

TEST(mqtt_publish, wildcards_in_topic_names_are_malformed) {
    auto diagnostic = decode_error(wire("30 06 00 03 'a/+' 00"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_topic_name);
    EXPECT_EQ(diagnostic.reason, reason_code::malformed_packet);
    EXPECT_EQ(diagnostic.message, "PUBLISH topic name contains '+' (wildcards are not allowed in topic names)");
    EXPECT_EQ(decode_error(wire("30 03 00 01 '#'"), v3_1_1).code, mqtt_errc::invalid_topic_name);
    EXPECT_EQ(encode_error(make_publish("a/#", ""), v3_1_1), mqtt_errc::invalid_topic_name);
}

TEST(mqtt_publish, packet_identifier_and_property_rules) {
    auto diagnostic = decode_error(wire("32 07 00 03 'a/b' 00 00"), v3_1_1);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_packet_id);
    EXPECT_EQ(diagnostic.reason, reason_code::protocol_error);
    EXPECT_EQ(diagnostic.message, "PUBLISH packet identifier is 0");
    EXPECT_EQ(decode_error(wire("32 04 00 01 't' 00"), v3_1_1).code, mqtt_errc::truncated);

    diagnostic = decode_error(wire("30 07 00 01 't' 03 23 00 00"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_property_value);
    EXPECT_EQ(diagnostic.reason, reason_code::topic_alias_invalid);
    diagnostic = decode_error(wire("30 06 00 01 't' 02 0B 00"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_property_value);
    EXPECT_EQ(diagnostic.message, "PUBLISH property Subscription Identifier (0x0B) is 0");

    auto bad = make_publish("t", "", 3, 1);
    EXPECT_EQ(encode_error(bad, v5), mqtt_errc::invalid_qos);
    bad = make_publish("t", "");
    bad.dup = true;
    EXPECT_EQ(encode_error(bad, v5), mqtt_errc::invalid_flags);
    EXPECT_EQ(encode_error(make_publish("t", "", 1, 0), v5), mqtt_errc::invalid_packet_id);
    bad = make_publish("t", "");
    bad.properties.session_expiry_interval = 1;
    EXPECT_EQ(encode_error(bad, v5), mqtt_errc::property_not_allowed);
}

TEST(mqtt_publish, v3_acknowledgements) {
    for (const auto version : {v3_1, v3_1_1}) {
        expect_both_ways(wire("40 02 00 01"), puback_packet{1, reason_code::success, {}}, version);
        expect_both_ways(wire("50 02 00 02"), pubrec_packet{2, reason_code::success, {}}, version);
        expect_both_ways(wire("62 02 00 03"), pubrel_packet{3, reason_code::success, {}}, version);
        expect_both_ways(wire("70 02 FF FF"), pubcomp_packet{0xFFFF, reason_code::success, {}}, version);
    }
    EXPECT_EQ(decode_error(wire("40 03 00 01 00"), v3_1_1).code, mqtt_errc::trailing_bytes);
    EXPECT_EQ(decode_error(wire("40 01 00"), v3_1_1).code, mqtt_errc::truncated);
    EXPECT_EQ(decode_error(wire("40 02 00 00"), v3_1_1).code, mqtt_errc::invalid_packet_id);
    // 5.0 reasons are not written for 3.1.1.
    EXPECT_EQ(mqtt_codec::encode(puback_packet{1, reason_code::quota_exceeded, {}}, v3_1_1).value(),
              wire("40 02 00 01"));
    EXPECT_EQ(encode_error(pubrec_packet{0, reason_code::success, {}}, v3_1_1), mqtt_errc::invalid_packet_id);
}

TEST(mqtt_publish, v5_acknowledgements_short_and_long_forms) {
    expect_both_ways(wire("40 02 00 01"), puback_packet{1, reason_code::success, {}}, v5);
    expect_both_ways(wire("40 03 00 01 10"), puback_packet{1, reason_code::no_matching_subscribers, {}}, v5);
    puback_packet with_reason_string{1, reason_code::quota_exceeded, {}};
    with_reason_string.properties.reason_string = "bad";
    expect_both_ways(wire("40 0A 00 01 97 06 1F 00 03 'bad'"), with_reason_string, v5);
    pubrec_packet with_user_property{2, reason_code::success, {}};
    with_user_property.properties.user_properties = {{"a", "b"}};
    expect_both_ways(wire("50 0B 00 02 00 07 26 00 01 'a' 00 01 'b'"), with_user_property, v5);
    expect_both_ways(wire("62 03 00 03 92"), pubrel_packet{3, reason_code::packet_identifier_not_found, {}}, v5);
    expect_both_ways(wire("70 03 00 04 92"), pubcomp_packet{4, reason_code::packet_identifier_not_found, {}}, v5);
    // A property length of 0 after the reason code is accepted too.
    EXPECT_EQ(decode_whole(wire("40 04 00 01 10 00"), v5),
              mqtt_packet(puback_packet{1, reason_code::no_matching_subscribers, {}}));
}

TEST(mqtt_publish, v5_acknowledgement_errors) {
    auto diagnostic = decode_error(wire("70 03 00 04 10"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::invalid_reason_code);
    EXPECT_EQ(diagnostic.reason, reason_code::protocol_error);
    diagnostic = decode_error(wire("40 07 00 01 00 03 23 00 01"), v5);
    EXPECT_EQ(diagnostic.code, mqtt_errc::property_not_allowed);
    EXPECT_EQ(diagnostic.reason, reason_code::protocol_error);
    EXPECT_EQ(diagnostic.message, "PUBACK property Topic Alias (0x23) is not allowed in this packet");
    EXPECT_EQ(decode_error(wire("40 05 00 01 00 00 00"), v5).code, mqtt_errc::trailing_bytes);
    EXPECT_EQ(decode_error(wire("40 05 00 01 00 05 1F"), v5).code, mqtt_errc::truncated);
    EXPECT_EQ(encode_error(pubrel_packet{1, reason_code::quota_exceeded, {}}, v5), mqtt_errc::invalid_reason_code);
}

} // namespace
} // namespace gantry::protocols::mqtt
