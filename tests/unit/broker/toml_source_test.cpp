#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "config_test_support.hpp"
#include "gantry/broker/broker_registry.hpp"
#include "gantry/broker/config_loader.hpp"
#include "gantry/broker/toml_source.hpp"

namespace gantry::broker {
namespace {

using testing::error_of;
using ::testing::HasSubstr;

class toml_source_test : public ::testing::Test {
protected:
    config_registry registry_ = make_broker_registry();
    broker_config config_;
};

TEST_F(toml_source_test, applies_every_key_of_the_file) {
    apply_toml_text(registry_, config_, R"(
brokerName = "broker-b"
flushDiskType = "SYNC_FLUSH"
mappedFileSizeCommitLog = 67_108_864
messageIndexEnable = false
deleteWhen = "04;16"
)",
                    "gantry.toml");
    EXPECT_EQ(config_.broker_name, "broker-b");
    EXPECT_EQ(config_.store.flush_type, store::flush_disk_type::sync_flush);
    EXPECT_EQ(config_.store.commit_log_file_size, 64 * 1024 * 1024);
    EXPECT_FALSE(config_.store.message_index_enable);
    EXPECT_EQ(config_.store.delete_when_hours, (std::vector<int>{4, 16}));
}

TEST_F(toml_source_test, unknown_key_names_file_line_and_nearest_key) {
    const auto message = error_of([&] {
        apply_toml_text(registry_, config_, "brokerName = \"b\"\n\nflushDiskTyp = \"SYNC_FLUSH\"\n",
                        "conf/gantry.toml");
    });
    EXPECT_EQ(message, "unknown configuration key 'flushDiskTyp' in conf/gantry.toml:3; did you mean 'flushDiskType'?");
}

TEST_F(toml_source_test, first_problem_in_file_order_is_reported) {
    const auto message = error_of([&] { apply_toml_text(registry_, config_, "zzz = 1\naaa = 2\n", "gantry.toml"); });
    EXPECT_THAT(message, HasSubstr("'zzz' in gantry.toml:1"));
}

TEST_F(toml_source_test, floats_strings_and_unknown_sections_are_refused) {
    EXPECT_EQ(error_of([&] { apply_toml_text(registry_, config_, "maxMessageSize = 1.5\n", "g.toml"); }),
              "maxMessageSize must be an integer, got a float (1.5) in g.toml:1");
    EXPECT_EQ(error_of([&] { apply_toml_text(registry_, config_, "listenPort = \"10911\"\n", "g.toml"); }),
              "listenPort must be an integer, got \"10911\" in g.toml:1");
    EXPECT_THAT(
        error_of([&] { apply_toml_text(registry_, config_, "[store]\nflushDiskType = \"SYNC_FLUSH\"\n", "g.toml"); }),
        HasSubstr("unknown configuration key 'store.flushDiskType' in g.toml:2"));
}

TEST_F(toml_source_test, protocol_sections_name_their_keys) {
    apply_toml_text(registry_, config_, R"(
listenPort = 10911
[mqtt]
receiveMaximum = 10
maxConnections = 5
retainAvailable = false
[remoting]
maxFrameSize = 1_048_576
inputBudgetBytes = 2_097_152
)",
                    "gantry.toml");
    EXPECT_EQ(config_.mqtt.receive_maximum, 10);
    EXPECT_EQ(config_.mqtt_limits.max_connections, 5U);
    EXPECT_FALSE(config_.mqtt.retain_available);
    EXPECT_EQ(config_.remoting_limits.max_frame_size, 1024U * 1024U);
    EXPECT_EQ(config_.remoting_limits.input_budget_bytes, 2U * 1024U * 1024U);
    EXPECT_EQ(config_.mqtt_limits.key_prefix, "mqtt.");
}

TEST_F(toml_source_test, limits_that_cannot_work_are_refused_naming_both_keys) {
    apply_toml_text(registry_, config_, "[mqtt]\nmaxFrameSize = 2_000_000\ninputBudgetBytes = 1_000_000\n", "g.toml");
    EXPECT_EQ(error_of([&] { registry_.finish(config_); }),
              "mqtt.inputBudgetBytes (1000000) must be at least mqtt.maxFrameSize (2000000): a frame of the largest "
              "size could never be read");
}

TEST_F(toml_source_test, bad_value_names_the_key_and_the_line) {
    EXPECT_EQ(error_of([&] { apply_toml_text(registry_, config_, "\nflushDiskType = \"X\"\n", "g.toml"); }),
              "flushDiskType must be ASYNC_FLUSH or SYNC_FLUSH, got 'X' in g.toml:2");
}

TEST_F(toml_source_test, syntax_error_names_file_and_position) {
    EXPECT_THAT(error_of([&] { apply_toml_text(registry_, config_, "brokerName = \n", "g.toml"); }),
                HasSubstr("syntax error in g.toml:1:"));
}

TEST_F(toml_source_test, missing_file_is_named) {
    EXPECT_EQ(error_of([&] { apply_toml_file(registry_, config_, "/nonexistent/gantry.toml"); }),
              "cannot read configuration file '/nonexistent/gantry.toml': No such file or directory");
}

// conf/gantry.toml documents every key with its default; it must not drift
// from the registry.
TEST_F(toml_source_test, shipped_file_lists_every_key_with_its_default) {
    const auto shipped = toml::parse_file(GANTRY_SHIPPED_CONFIG);
    const broker_config defaults;
    std::set<std::string> registered;
    for (const auto& key : registry_.keys()) {
        registered.insert(key.name);
        const auto* node = shipped.at_path(key.name).node();
        ASSERT_NE(node, nullptr) << key.name << " is missing from conf/gantry.toml";
        broker_config from_file;
        registry_.apply(from_file, key.name,
                        node->is_string()    ? config_value(*node->value<std::string>())
                        : node->is_boolean() ? config_value(*node->value<bool>())
                                             : config_value(*node->value<std::int64_t>()),
                        "in conf/gantry.toml");
        EXPECT_EQ(key.read(from_file), key.read(defaults)) << key.name << " differs from the embedded default";
    }
    for (const auto& [name, node] : shipped) {
        if (const auto* section = node.as_table()) {
            for (const auto& [inner, value] : *section) {
                const auto full = std::string(name.str()) + "." + std::string(inner.str());
                EXPECT_TRUE(registered.contains(full)) << full << " is not a registered key";
            }
            continue;
        }
        EXPECT_TRUE(registered.contains(std::string(name.str()))) << name.str() << " is not a registered key";
    }
    launch_options options;
    options.config_file = GANTRY_SHIPPED_CONFIG;
    EXPECT_NO_THROW(load_config(registry_, options));
}

TEST_F(toml_source_test, bridges_example_file_gives_its_bridges) {
    apply_toml_file(registry_, config_, GANTRY_BRIDGES_EXAMPLE);
    ASSERT_EQ(config_.bridges.size(), 3u);
    const auto& factory = std::get<bridge::mqtt_bridge_config>(config_.bridges[0]);
    EXPECT_EQ(factory.name, "factory-floor");
    EXPECT_EQ(factory.addresses, (std::vector<std::string>{"192.0.2.10:1883", "192.0.2.11:1883"}));
    EXPECT_EQ(factory.topics.size(), 3u);
    EXPECT_EQ(factory.topics[0].to_remote("factory/sensors/t1"), "site1/sensors/t1");
    EXPECT_EQ(factory.password, "change-me");
    EXPECT_EQ(bridge::connection_of(config_.bridges[1]).effective_client_id(), "gantry-bridge-datacentre");
    const auto& rabbit = std::get<bridge::amqp_bridge_config>(config_.bridges[2]);
    EXPECT_EQ(rabbit.effective_client_id(), "gantry-east");
    EXPECT_EQ(rabbit.idle_timeout_ms, 60'000u);
    ASSERT_EQ(rabbit.links.size(), 4u);
    EXPECT_EQ(rabbit.links[0], (bridge::amqp_link_rule{bridge::direction::out, "topic://telemetry/#",
                                                       "/exchange/amq.topic/telemetry", false}));
    EXPECT_EQ(rabbit.links[2].direction, bridge::direction::in);
    EXPECT_TRUE(rabbit.links[3].presettled);
}

TEST_F(toml_source_test, amqp_bridge_mistakes_name_the_key) {
    const std::string head = "[[bridge]]\nname = \"r\"\ntype = \"amqp\"\naddresses = [\"h:5672\"]\n";
    EXPECT_THAT(error_of([&] {
                    apply_toml_text(registry_, config_, head + "links = [{ direction = \"sideways\", local = "
                                                               "\"queue://q\", remote = \"q\" }]\n", "g.toml");
                }),
                HasSubstr("key links.direction: must be \"out\" or \"in\", got \"sideways\""));
    EXPECT_THAT(error_of([&] {
                    apply_toml_text(registry_, config_, head + "links = [{ direction = \"in\", local = \"q\", "
                                                               "remote = \"q\" }]\n", "g.toml");
                }),
                HasSubstr("key links: 'q' names no local destination; write queue://<name> or topic://<name>"));
    EXPECT_THAT(error_of([&] {
                    apply_toml_text(registry_, config_, head + "links = [{ direction = \"in\", local = "
                                                               "\"topic://a/#\", remote = \"q\" }]\n", "g.toml");
                }),
                HasSubstr("key links: 'topic://a/#': wildcards are whole levels after the first, and only in "
                          "subscriptions"));
    EXPECT_THAT(error_of([&] { apply_toml_text(registry_, config_, head + "topics = [\"x\"]\n", "g.toml"); }),
                HasSubstr("key topics: is not a key of an AMQP bridge ("));
    EXPECT_THAT(error_of([&] { apply_toml_text(registry_, config_, head, "g.toml"); }),
                HasSubstr("key links: give at least one"));
}

TEST_F(toml_source_test, bridge_mistakes_name_the_bridge_key_and_line) {
    EXPECT_EQ(error_of([&] {
                  apply_toml_text(registry_, config_, "[[bridge]]\nname = \"b\"\ntype = \"mqtt\"\naddresses = [\"h:1\"]\n"
                                                      "topics = [\"x out 7\"]\n", "g.toml");
              }),
              "in g.toml:5: bridge 'b', key topics: 'x out 7' qos must be 0, 1 or 2, got '7'");
    EXPECT_EQ(error_of([&] { apply_toml_text(registry_, config_, "[bridge]\nname = \"b\"\n", "g.toml"); }),
              "in g.toml:1: write bridges as [[bridge]] tables, one per bridge");
    EXPECT_THAT(error_of([&] {
                    apply_toml_text(registry_, config_,
                                    "[[bridge]]\nname = \"a\"\ntype = \"mqtt\"\naddresses = [\"h:1\"]\ntopics = [\"x\"]\n"
                                    "[[bridge]]\nname = \"a\"\ntype = \"mqtt\"\naddresses = [\"h:1\"]\ntopics = [\"x\"]\n",
                                    "g.toml");
                }),
                HasSubstr("a second bridge is named 'a'"));
}

} // namespace
} // namespace gantry::broker
