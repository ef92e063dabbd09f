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

// The store reads on past a record the filter rejects; the engine must not
// hand that later record out under the rejected record's offset (and again
// under its own).
TEST_F(MqttFilterEngineTest, EachMatchingRecordIsDeliveredOnceUnderItsOwnOffset) {
    for (int i = 0; i < 12; ++i) append("home", "m" + std::to_string(i), i % 2 ? "hall/light" : "kitchen/temp");
    engine::subscription_options o;
    o.topic = "home";
    o.filter_kind = engine::filter_language::mqtt;
    o.filter = "hall/#";
    o.start = engine::start_position::earliest();
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(o, sink);
    engine_->grant_credit(id, 100);
    ASSERT_TRUE(sink->wait_for(6));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto deliveries = sink->deliveries();
    ASSERT_EQ(deliveries.size(), 6u);
    std::set<std::pair<std::int32_t, std::int64_t>> handles;
    for (const auto& d : deliveries) {
        EXPECT_EQ(d.msg.tag, "hall/light") << d.msg.body;
        handles.insert({d.handle.queue_id, d.handle.queue_offset});
    }
    EXPECT_EQ(handles.size(), 6u);
}

TEST_F(MqttFilterEngineTest, ASelectorAppliesOnTopOfTheTopicFilter) {
    const auto with_color = [&](std::string body, std::string tag, std::string color) {
        engine::message m;
        m.topic = "home";
        m.tag = std::move(tag);
        m.body = std::move(body);
        m.properties = {{"color", std::move(color)}};
        append(std::move(m));
    };
    with_color("hall-red", "hall", "red");
    with_color("hall-blue", "hall", "blue");
    with_color("attic-red", "attic", "red");
    engine::subscription_options o;
    o.topic = "home";
    o.filter_kind = engine::filter_language::mqtt;
    o.filter = "hall";
    o.selector = "color = 'red'";
    o.start = engine::start_position::earliest();
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(o, sink);
    engine_->grant_credit(id, 100);
    ASSERT_TRUE(sink->wait_for(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_EQ(sink->deliveries().size(), 1u);
    EXPECT_EQ(sink->deliveries().front().msg.body, "hall-red");

    o.selector = "color = = 'red'";
    EXPECT_FALSE(engine_->subscribe(ctx(), o, std::make_shared<recording_sink>()));
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
