#include <gtest/gtest.h>

#include "gantry/bridge/bridge_config.hpp"

namespace gantry::bridge {
namespace {

amqp_bridge_config valid() {
    amqp_bridge_config config;
    config.name = "rabbit";
    config.addresses = {"127.0.0.1:5672"};
    config.links = {{direction::out, "topic://sensors/#", "/exchange/amq.topic/sensors", false},
                    {direction::out, "queue://orders", "/queue/orders", true},
                    {direction::in, "queue://invoices", "/queue/invoices", false}};
    return config;
}

TEST(AmqpBridgeConfig, ValidLinksPass) { EXPECT_FALSE(configuration_problem(valid())); }

TEST(AmqpBridgeConfig, LocalDestinationsNeedTheirScheme) {
    auto config = valid();
    config.links[0].local = "sensors/#";
    EXPECT_EQ(configuration_problem(config),
              "links: 'sensors/#' names no local destination; write queue://<name> or topic://<name>");
    config.links[0].local = "queue://";
    EXPECT_TRUE(configuration_problem(config)->starts_with("links: 'queue://': "));
}

TEST(AmqpBridgeConfig, WildcardsOnlyWhereTopicsAreRead) {
    auto config = valid();
    config.links[0].local = "queue://orders/#"; // a queue is one destination
    EXPECT_TRUE(configuration_problem(config)->starts_with("links: 'queue://orders/#': "));
    config = valid();
    config.links[2].local = "topic://in/#"; // an in link stores to one destination
    EXPECT_TRUE(configuration_problem(config)->starts_with("links: 'topic://in/#': "));
    config.links[2].local = "topic://in/room1";
    EXPECT_FALSE(configuration_problem(config));
}

TEST(AmqpBridgeConfig, EachLinkHasOneDirectionAndARemoteAddress) {
    auto config = valid();
    config.links[1].direction = direction::both;
    EXPECT_TRUE(configuration_problem(config)->starts_with("links: direction \"both\""));
    config = valid();
    config.links[1].remote.clear();
    EXPECT_EQ(configuration_problem(config), "links: 'queue://orders' needs the remote's address (remote = ...)");
    config.links.clear();
    EXPECT_TRUE(configuration_problem(config)->starts_with("links: give at least one"));
}

TEST(AmqpBridgeConfig, ConnectionKeysAreCheckedAsForMqtt) {
    auto config = valid();
    config.max_inflight = 0;
    EXPECT_EQ(configuration_problem(config), "maxInflight: at least 1");
    config = valid();
    config.addresses = {"rabbit"};
    EXPECT_EQ(configuration_problem(config), "addresses: 'rabbit' is not \"host:port\" with a port 1-65535");
    EXPECT_EQ(config.effective_client_id(), "gantry-bridge-rabbit");
}

} // namespace
} // namespace gantry::bridge
