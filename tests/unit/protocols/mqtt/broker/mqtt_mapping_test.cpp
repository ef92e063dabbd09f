// The MQTT ⇄ engine mapping (docs/protocol-mapping.md, "MQTT"): topics,
// filters and the PUBLISH ⇄ engine message round trip.
#include <gtest/gtest.h>

#include <string>

#include "gantry/protocols/mqtt/mqtt_mapping.hpp"
#include "gantry/core/mqtt_filter.hpp"
#include "gantry/engine/subscription_options.hpp"
#include "../mqtt_test_support.hpp"

namespace gantry::protocols::mqtt {
namespace {

// What a subscriber sees of what a publisher sent, through the record's
// model (the engine stores exactly the message's fields).
outbound_message round_trip(const publish_packet& in, std::string_view client = "c1") {
    auto address = to_engine_address(in.topic);
    EXPECT_TRUE(address) << in.topic;
    return from_engine_message(to_engine_message(in, *address, client, 1'000'000), 1'000'000);
}

TEST(mqtt_mapping, first_level_is_the_engine_topic_and_the_rest_the_tag) {
    auto a = to_engine_address("sensors/room1/temp");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->topic, "sensors");
    EXPECT_EQ(a->tag, "room1/temp");
    EXPECT_FALSE(a->trailing_level);
    a = to_engine_address("sensors");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->topic, "sensors");
    EXPECT_EQ(a->tag, "");
}

TEST(mqtt_mapping, first_level_is_percent_encoded_and_reversible) {
    EXPECT_EQ(encode_first_level("a-b_C9"), "a-b_C9");
    EXPECT_EQ(encode_first_level("$SYS"), "%24SYS");
    EXPECT_EQ(encode_first_level("50%"), "50%25");
    EXPECT_EQ(encode_first_level("a b.c"), "a%20b%2Ec");
    EXPECT_EQ(encode_first_level("h\xC3\xA9"), "h%C3%A9");
    EXPECT_EQ(encode_first_level(""), "%");
    for (const std::string level : {"a-b_C9", "$SYS", "50%", "a b.c", "h\xC3\xA9", "", "%", "%25", "|x|"})
        EXPECT_EQ(decode_first_level(encode_first_level(level)), level) << level;
    // A native topic that is no encoding reads as itself.
    EXPECT_EQ(decode_first_level("Topic|A"), "Topic|A");
}

TEST(mqtt_mapping, empty_first_level_and_trailing_empty_level_round_trip) {
    for (const std::string topic : {"/x", "/", "a/", "a//", "a/b/", "//b", "a"}) {
        publish_packet p;
        p.topic = topic;
        EXPECT_EQ(round_trip(p).publish.topic, topic);
    }
    auto a = to_engine_address("/x");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->topic, "%");
    EXPECT_EQ(a->tag, "x");
    a = to_engine_address("a/");
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->trailing_level);
    EXPECT_EQ(a->tag, "");
}

TEST(mqtt_mapping, over_long_or_reserved_first_levels_are_refused) {
    EXPECT_TRUE(to_engine_address(std::string(127, 'a')));
    EXPECT_EQ(to_engine_address(std::string(128, 'a')).error(), naming::naming_errc::topic_too_long);
    EXPECT_EQ(to_engine_address(std::string(43, '.')).error(), naming::naming_errc::topic_too_long); // 129 encoded
    EXPECT_EQ(to_engine_address("TBW102/x").error(), naming::naming_errc::reserved_topic);
    EXPECT_EQ(to_engine_address("SCHEDULE_TOPIC_XXXX").error(), naming::naming_errc::reserved_topic);
}

TEST(mqtt_mapping, filters_split_like_topics) {
    auto f = to_engine_filter("a/+/c");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->topic, "a");
    EXPECT_EQ(f->remainder, "+/c");
    f = to_engine_filter("a");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->remainder, "");
    f = to_engine_filter("$SYS/#");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->topic, "%24SYS");
    EXPECT_EQ(f->remainder, "#");
    EXPECT_FALSE(f->every_topic);
}

TEST(mqtt_mapping, a_wildcard_first_level_reads_every_topic_with_the_rest_as_its_filter) {
    const struct {
        const char* filter;
        const char* remainder;
    } cases[] = {{"#", "#"}, {"+", ""}, {"+/b", "b"}, {"+/+/c", "+/c"}, {"+/#", "#"}};
    for (const auto& c : cases) {
        const auto f = to_engine_filter(c.filter);
        ASSERT_TRUE(f) << c.filter;
        EXPECT_TRUE(f->every_topic) << c.filter;
        EXPECT_EQ(f->topic, "") << c.filter;
        EXPECT_EQ(f->remainder, c.remainder) << c.filter;
        EXPECT_EQ(f->retained, c.filter) << c.filter;
    }
}

TEST(mqtt_mapping, dollar_names_are_hidden_from_subscriptions_to_every_topic) {
    EXPECT_TRUE(engine::is_hidden_topic(*naming::engine_topic_of("$SYS")));
    EXPECT_TRUE(engine::is_hidden_topic(*naming::engine_topic_of("$share")));
    EXPECT_FALSE(engine::is_hidden_topic(*naming::engine_topic_of("SYS")));
    EXPECT_FALSE(engine::is_hidden_topic(*naming::engine_topic_of("a$")));
}

TEST(mqtt_mapping, retained_filters_are_whole_filters_in_the_engines_name_form) {
    EXPECT_EQ(to_engine_filter("a/+/c")->retained, "a/+/c");
    EXPECT_EQ(to_engine_filter("a")->retained, "a");
    EXPECT_EQ(to_engine_filter("a/")->retained, "a/"); // not "a": the trailing empty level stays
    EXPECT_EQ(to_engine_filter("$SYS/#")->retained, "%24SYS/#");
    EXPECT_EQ(to_engine_filter("a b/x//#")->retained, "a%20b/x//#");
}

TEST(mqtt_mapping, retain_flag_round_trips_for_retain_as_published) {
    publish_packet p;
    p.topic = "a/b";
    p.retain = true;
    const auto msg = to_engine_message(p, *to_engine_address(p.topic), "c", 0);
    EXPECT_TRUE(published_with_retain(msg));
    EXPECT_TRUE(from_engine_message(msg, 0).retain);
    p.retain = false;
    EXPECT_FALSE(from_engine_message(to_engine_message(p, *to_engine_address(p.topic), "c", 0), 0).retain);
}

TEST(mqtt_mapping, trailing_level_is_what_the_engine_filter_reads) {
    // "a/+" matches "a/" and "a" does not (the engine sees no tag, only the property).
    EXPECT_EQ(mqtt_property::trailing_level, core::mqtt_filter::trailing_level_property);
    EXPECT_TRUE(core::mqtt_filter("+").matches(""));
    EXPECT_FALSE(core::mqtt_filter("").matches(""));
}

TEST(mqtt_mapping, mqtt5_properties_round_trip) {
    publish_packet p;
    p.topic = "a/b";
    p.qos = 2;
    p.payload = "hello";
    p.properties.content_type = "text/plain";
    p.properties.response_topic = "replies/c1";
    p.properties.correlation_data = test::to_bytes("req-17");
    p.properties.payload_format_indicator = 1;
    p.properties.message_expiry_interval = 60;
    p.properties.user_properties = {{"k", "1"}, {"k", "2"}, {"mqtt.qos", "x"}, {"e", ""}};
    const auto out = round_trip(p);
    EXPECT_EQ(out.qos, 2);
    EXPECT_EQ(published_by(to_engine_message(p, *to_engine_address(p.topic), "c1", 0)), "c1");
    EXPECT_EQ(out.publish.payload, p.payload);
    EXPECT_EQ(out.publish.properties.content_type, p.properties.content_type);
    EXPECT_EQ(out.publish.properties.response_topic, p.properties.response_topic);
    EXPECT_EQ(out.publish.properties.correlation_data, p.properties.correlation_data);
    EXPECT_EQ(out.publish.properties.payload_format_indicator, 1);
    EXPECT_EQ(out.publish.properties.message_expiry_interval, 60u);
    EXPECT_EQ(out.publish.properties.user_properties, p.properties.user_properties);
}

TEST(mqtt_mapping, a_payload_format_indicator_goes_out_only_with_a_utf8_payload) {
    properties text;
    text.payload_format_indicator = 1;
    EXPECT_EQ(drop_false_payload_format(text, test::to_bytes("caf\xC3\xA9")), "");
    EXPECT_EQ(text.payload_format_indicator, 1);

    properties lying;
    lying.payload_format_indicator = 1;
    EXPECT_EQ(drop_false_payload_format(lying, test::to_bytes("\xC3\x28")), "is not well-formed UTF-8");
    EXPECT_FALSE(lying.payload_format_indicator);

    // Bytes that say they are bytes are left alone.
    properties binary;
    binary.payload_format_indicator = 0;
    EXPECT_EQ(drop_false_payload_format(binary, test::to_bytes("\xFF")), "");
    EXPECT_EQ(binary.payload_format_indicator, 0);
}

TEST(mqtt_mapping, engine_fields_carry_the_mqtt_properties) {
    publish_packet p;
    p.topic = "a/b/c";
    p.qos = 1;
    p.retain = true;
    p.properties.content_type = "application/json";
    p.properties.response_topic = "r";
    p.properties.correlation_data = test::to_bytes("id");
    p.properties.message_expiry_interval = 10;
    p.properties.user_properties = {{"x", "y"}};
    auto address = to_engine_address(p.topic);
    ASSERT_TRUE(address);
    const auto msg = to_engine_message(p, *address, "dev-1", 5'000);
    EXPECT_EQ(msg.topic, "a");
    EXPECT_EQ(msg.tag, "b/c");
    EXPECT_EQ(msg.content_type, "application/json");
    EXPECT_EQ(msg.reply_to, "r");
    EXPECT_EQ(msg.correlation_id, "id");
    EXPECT_EQ(msg.expires_at_ms, 15'000);
    const std::vector<std::pair<std::string, std::string>> expected{
        {"mqtt.qos", "1"}, {"mqtt.client_id", "dev-1"}, {"mqtt.retain", "1"}, {"x", "y"}};
    EXPECT_EQ(msg.properties, expected);
}

TEST(mqtt_mapping, binary_correlation_data_survives_the_record_format) {
    publish_packet p;
    p.topic = "a";
    p.properties.correlation_data = std::vector<std::byte>{std::byte{0}, std::byte{1}, std::byte{2}, std::byte{0xFF}};
    auto address = to_engine_address(p.topic);
    const auto msg = to_engine_message(p, *address, "c", 0);
    EXPECT_TRUE(msg.correlation_id.empty());
    EXPECT_EQ(from_engine_message(msg, 0).publish.properties.correlation_data, p.properties.correlation_data);
}

TEST(mqtt_mapping, fields_mqtt_has_no_place_for_travel_as_user_properties_both_ways) {
    engine::message stomp;
    stomp.topic = "orders";
    stomp.priority = 7;
    stomp.durable = false;
    stomp.type = "invoice";
    stomp.properties = {{"source", "erp"}};
    const auto out = from_engine_message(stomp, 0);
    const std::vector<user_property> expected{
        {"source", "erp"}, {"gantry.priority", "7"}, {"gantry.durable", "false"}, {"gantry.type", "invoice"}};
    EXPECT_EQ(out.publish.properties.user_properties, expected);

    // An MQTT 5 client that publishes them again restores the fields.
    publish_packet again;
    again.topic = "orders";
    again.properties.user_properties = out.publish.properties.user_properties;
    const auto msg = to_engine_message(again, *to_engine_address(again.topic), "bridge", 0);
    EXPECT_EQ(msg.priority, 7);
    EXPECT_FALSE(msg.durable);
    EXPECT_EQ(msg.type, "invoice");
    EXPECT_EQ(msg.properties, (std::vector<std::pair<std::string, std::string>>{{"mqtt.qos", "0"},
                                                                             {"mqtt.client_id", "bridge"},
                                                                             {"source", "erp"}}));
}

TEST(mqtt_mapping, a_field_property_whose_value_does_not_fit_stays_a_user_property) {
    publish_packet p;
    p.topic = "a";
    p.properties.user_properties = {{"gantry.priority", "12"}, {"gantry.durable", "maybe"}};
    const auto msg = to_engine_message(p, *to_engine_address(p.topic), "", 0);
    EXPECT_EQ(msg.priority, engine::message::unset_priority);
    EXPECT_TRUE(msg.durable);
    EXPECT_EQ(from_engine_message(msg, 0).publish.properties.user_properties, p.properties.user_properties);
}

TEST(mqtt_mapping, a_native_message_is_seen_under_topic_slash_tag) {
    engine::message native;
    native.topic = "orders";
    native.tag = "eu/paid";
    native.body = "{}";
    native.properties = {{"source", "erp"}};
    const auto out = from_engine_message(native, 0);
    EXPECT_EQ(out.publish.topic, "orders/eu/paid");
    EXPECT_EQ(out.qos, 1); // not published over MQTT: at least once
    EXPECT_TRUE(published_by(native).empty());
    EXPECT_EQ(out.publish.properties.user_properties, (std::vector<user_property>{{"source", "erp"}}));
    native.tag.clear();
    EXPECT_EQ(from_engine_message(native, 0).publish.topic, "orders");
}

} // namespace
} // namespace gantry::protocols::mqtt
