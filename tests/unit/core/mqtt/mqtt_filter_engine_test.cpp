// filter_language::mqtt through the engine: subscriptions see only the
// records whose tag matches, and check_filter refuses what subscribe would.
#include <gtest/gtest.h>

#include <set>

#include "../engine/engine_test_support.hpp"
#include "gantry/core/mqtt_filter.hpp"

namespace gantry::core {
namespace {

using testing::recording_sink;

class MqttFilterEngineTest : public testing::engine_fixture {
protected:
    std::set<std::string> delivered_bodies(const std::string& filter, std::size_t expected) {
        engine::subscription_options o;
        o.topic = "home";
        o.filter_kind = engine::filter_language::mqtt;
        o.filter = filter;
        o.start = engine::start_position::earliest();
        auto sink = std::make_shared<recording_sink>();
        const auto id = subscribe(o, sink);
        engine_->grant_credit(id, 100);
        EXPECT_TRUE(sink->wait_for(expected)) << filter;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        std::set<std::string> bodies;
        for (const auto& d : sink->deliveries()) bodies.insert(d.msg.body);
        engine_->unsubscribe(id);
        return bodies;
    }
};

TEST_F(MqttFilterEngineTest, SubscriptionsSeeOnlyMatchingTags) {
    append("home", "home");                      // MQTT "home"
    append("home", "kitchen-temp", "kitchen/temp");
    append("home", "hall-temp", "hall/temp");
    append("home", "hall-light", "hall/light");
    engine::message trailing;                    // MQTT "home/"
    trailing.topic = "home";
    trailing.body = "trailing";
    trailing.properties = {{std::string(mqtt_filter::trailing_level_property), "1"}};
    append(trailing);

    EXPECT_EQ(delivered_bodies("", 1), (std::set<std::string>{"home"}));
    EXPECT_EQ(delivered_bodies("+/temp", 2), (std::set<std::string>{"kitchen-temp", "hall-temp"}));
    EXPECT_EQ(delivered_bodies("hall/#", 2), (std::set<std::string>{"hall-temp", "hall-light"}));
    EXPECT_EQ(delivered_bodies("+", 1), (std::set<std::string>{"trailing"}));
    EXPECT_EQ(delivered_bodies("#", 5).size(), 5u);
}

TEST_F(MqttFilterEngineTest, MisplacedWildcardsAreRefused) {
    EXPECT_TRUE(engine_->check_filter(engine::filter_language::mqtt, "a/#/b"));
    EXPECT_FALSE(engine_->check_filter(engine::filter_language::mqtt, "+/b/#"));
    engine::subscription_options o;
    o.topic = "home";
    o.filter_kind = engine::filter_language::mqtt;
    o.filter = "a+";
    EXPECT_FALSE(engine_->subscribe(ctx(), o, std::make_shared<recording_sink>()));
}

} // namespace
} // namespace gantry::core
