// AMQP addresses ⇄ destinations (docs/protocol-mapping.md, "AMQP 1.0").
#include <gtest/gtest.h>

#include "../../../../protocols/amqp/src/amqp_address.hpp"
#include "gantry/protocols/naming/engine_route.hpp"
#include "gantry/protocols/naming/topic_names.hpp"

namespace gantry::protocols::amqp {
namespace {

TEST(AmqpAddress, TheSchemeSaysQueueOrTopicWhateverTheCapability) {
    auto a = parse_address("queue://orders", address_capability::topic, true);
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->topic);
    EXPECT_EQ(a->name, "orders");
    a = parse_address("topic://sensors/room1", address_capability::queue, false);
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->topic);
    EXPECT_EQ(a->name, "sensors/room1");
    EXPECT_EQ(a->text(), "topic://sensors/room1");
}

TEST(AmqpAddress, ABareAddressFollowsTheCapabilityThenTheDefault) {
    EXPECT_TRUE(parse_address("t", address_capability::topic, false)->topic);
    EXPECT_FALSE(parse_address("q", address_capability::queue, true)->topic);
    EXPECT_FALSE(parse_address("x", address_capability::none, false)->topic);
    EXPECT_TRUE(parse_address("x", address_capability::none, true)->topic);
}

TEST(AmqpAddress, EmptyAddressesAndNamesAreRefused) {
    EXPECT_EQ(parse_address("", address_capability::none, false).error(), address_errc::empty_address);
    EXPECT_EQ(parse_address("queue://", address_capability::none, false).error(), address_errc::empty_name);
    EXPECT_EQ(parse_address("topic://", address_capability::none, false).error(), address_errc::empty_name);
}

TEST(AmqpAddress, NamesAreMqttTopicsWithMqttWildcardsInSubscriptions) {
    auto route = naming::to_engine_route("sensors/+/temp", naming::mqtt_syntax, true);
    ASSERT_TRUE(route);
    EXPECT_EQ(route->topic, "sensors");
    EXPECT_EQ(route->remainder, "+/temp");
    EXPECT_EQ(route->hierarchical_name(), "sensors/+/temp");
    EXPECT_EQ(naming::to_engine_route("sensors/#", naming::mqtt_syntax, false).error(),
              naming::naming_errc::invalid_wildcard);
    EXPECT_EQ(naming::to_engine_route("#", naming::mqtt_syntax, true).error(), naming::naming_errc::invalid_wildcard);
    EXPECT_EQ(naming::to_engine_route("TBW102", naming::mqtt_syntax, false).error(),
              naming::naming_errc::reserved_topic);
}

} // namespace
} // namespace gantry::protocols::amqp
