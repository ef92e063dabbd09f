// STOMP destinations and headers ⇄ the engine's topics and messages
// (docs/protocol-mapping.md, "STOMP").
#include <gtest/gtest.h>

#include "../../../../../protocols/stomp/src/stomp_mapping.hpp"
#include "gantry/protocols/naming/topic_names.hpp"

namespace gantry::protocols::stomp {
namespace {

std::string same(std::string_view s) { return std::string(s); }

TEST(StompMapping, DestinationsNameTheirKind) {
    auto d = parse_destination("/queue/orders.eu");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->kind, destination_kind::queue);
    EXPECT_EQ(d->name, "orders.eu");
    EXPECT_EQ(d->text(), "/queue/orders.eu");
    EXPECT_TRUE(parse_destination("/topic/a")->kind == destination_kind::topic);
    EXPECT_TRUE(parse_destination("/temp-queue/r")->temporary());
    EXPECT_TRUE(parse_destination("/temp-topic/r")->temporary());
    EXPECT_EQ(parse_destination("/queue/").error(), mapping_errc::empty_destination);
    EXPECT_EQ(parse_destination("orders").error(), mapping_errc::unknown_destination);
    EXPECT_EQ(parse_destination("/exchange/x").error(), mapping_errc::unknown_destination);
}

TEST(StompMapping, LevelsMapLikeMqttTopics) {
    auto r = naming::to_engine_route("sensors.room1.temp", stomp_syntax('.'), false);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->topic, "sensors");
    EXPECT_EQ(r->remainder, "room1/temp");
    EXPECT_FALSE(r->wildcard);
    r = naming::to_engine_route("orders", stomp_syntax('.'), false);
    EXPECT_EQ(r->topic, "orders");
    EXPECT_EQ(r->remainder, "");
    EXPECT_TRUE(naming::to_engine_route("a.", stomp_syntax('.'), false)->trailing_level);
    EXPECT_EQ(naming::to_engine_route("50% off", stomp_syntax('.'), false)->topic, naming::encode_first_level("50% off"));
    EXPECT_EQ(naming::to_engine_route("a/b", stomp_syntax('/'), false)->remainder, "b");
    EXPECT_EQ(naming::to_engine_route("TBW102", stomp_syntax('.'), false).error(), naming::naming_errc::reserved_topic);
}

TEST(StompMapping, ActiveMqWildcardsOnlyInSubscriptionsAfterTheFirstLevel) {
    auto r = naming::to_engine_route("sensors.*.temp", stomp_syntax('.'), true);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->remainder, "+/temp");
    EXPECT_TRUE(r->wildcard);
    EXPECT_EQ(naming::to_engine_route("sensors.>", stomp_syntax('.'), true)->remainder, "#");
    EXPECT_EQ(naming::to_engine_route("sensors.*", stomp_syntax('.'), false).error(), naming::naming_errc::invalid_wildcard);
    EXPECT_EQ(naming::to_engine_route("*.temp", stomp_syntax('.'), true).error(), naming::naming_errc::invalid_wildcard);
    EXPECT_EQ(naming::to_engine_route("a.>.b", stomp_syntax('.'), true).error(), naming::naming_errc::invalid_wildcard);
    EXPECT_EQ(naming::to_engine_route("a.b+", stomp_syntax('.'), true).error(), naming::naming_errc::invalid_wildcard);
}

TEST(StompMapping, SendHeadersBecomeMessageFieldsAndPropertiesInOrder) {
    stomp_frame send;
    send.command = stomp_command::send;
    send.headers = {{"destination", "/queue/a"}, {"x-b", "2"},           {"content-type", "text/plain"},
                    {"priority", "7"},           {"expires", "123456"},  {"persistent", "false"},
                    {"type", "order"},           {"correlation-id", "c"}, {"reply-to", "/temp-queue/r"},
                    {"x-b", "3"},                {"receipt", "r1"},      {"transaction", "t"}};
    send.body = std::string("a\0b", 3);
    const auto route = *naming::to_engine_route("a", stomp_syntax('.'), false);
    auto msg = to_engine_message(std::move(send), route, [](std::string_view r) { return "/queue/resolved-" + same(r.substr(12)); });
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->topic, "a");
    EXPECT_EQ(msg->body, std::string("a\0b", 3));
    EXPECT_EQ(msg->content_type, "text/plain");
    EXPECT_EQ(msg->priority, 7);
    EXPECT_EQ(msg->expires_at_ms, 123456);
    EXPECT_FALSE(msg->durable);
    EXPECT_EQ(msg->type, "order");
    EXPECT_EQ(msg->correlation_id, "c");
    EXPECT_EQ(msg->reply_to, "/queue/resolved-r");
    const std::vector<std::pair<std::string, std::string>> expected{{"x-b", "2"}, {"x-b", "3"}};
    EXPECT_EQ(msg->properties, expected);
}

TEST(StompMapping, BadHeaderValuesAreRefused) {
    const auto route = *naming::to_engine_route("a", stomp_syntax('.'), false);
    const auto with = [&](std::string name, std::string value) {
        stomp_frame f;
        f.headers = {{std::move(name), std::move(value)}};
        return to_engine_message(std::move(f), route, same).error();
    };
    EXPECT_EQ(with("priority", "10"), mapping_errc::invalid_priority);
    EXPECT_EQ(with("priority", "high"), mapping_errc::invalid_priority);
    EXPECT_EQ(with("expires", "-1"), mapping_errc::invalid_expires);
    EXPECT_EQ(with("expires", "soon"), mapping_errc::invalid_expires);
    EXPECT_EQ(with("persistent", "yes"), mapping_errc::invalid_persistent);
}

TEST(StompMapping, MessageFrameCarriesFieldsRedeliveryAndProperties) {
    engine::delivery d;
    d.delivery_count = 3;
    d.msg.topic = "sensors";
    d.msg.tag = "room1";
    d.msg.message_id = "id-1";
    d.msg.body = "21.5";
    d.msg.content_type = "text/plain";
    d.msg.correlation_id = "c";
    d.msg.priority = 9;
    d.msg.born_time_ms = 42;
    d.msg.properties = {{"unit", "C"}};
    EXPECT_EQ(destination_name(d.msg, '.'), "sensors.room1");
    const auto frame = to_message_frame(std::move(d), "/topic/sensors.room1");
    EXPECT_EQ(frame.command, stomp_command::message);
    EXPECT_EQ(*frame.header("destination"), "/topic/sensors.room1");
    EXPECT_EQ(*frame.header("message-id"), "id-1");
    EXPECT_EQ(*frame.header("content-length"), "4");
    EXPECT_EQ(*frame.header("priority"), "9");
    EXPECT_EQ(*frame.header("timestamp"), "42");
    EXPECT_EQ(*frame.header("redelivered"), "true");
    EXPECT_EQ(*frame.header("JMSXDeliveryCount"), "3");
    EXPECT_EQ(*frame.header("unit"), "C");
    EXPECT_EQ(frame.body, "21.5");
}

} // namespace
} // namespace gantry::protocols::stomp
