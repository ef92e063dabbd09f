// facade::trim_backlog: the newest `keep` messages that wait for absent
// durable groups stay, counted together in the order they were stored; the
// groups move past the older ones.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engine_test_support.hpp"

namespace gantry::core {
namespace {

using namespace std::chrono_literals;
using testing::recording_sink;

class BacklogLimitTest : public testing::engine_fixture {
protected:
    static engine::subscription_options durable(std::string group, std::string topic, std::string filter = "#") {
        engine::subscription_options o;
        o.group = std::move(group);
        o.durable = true;
        o.topic = std::move(topic);
        o.filter_kind = engine::filter_language::mqtt;
        o.filter = std::move(filter);
        o.start = engine::start_position::latest();
        return o;
    }

    // Pins the group's place at the end of the log: a subscriber that was
    // there and left.
    void was_here(const engine::subscription_options& options) { ASSERT_FALSE(engine_->pin_group(options)); }

    void wait_dispatched() {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (store_->dispatched_offset() < store_->commit_log_max_offset() &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(1ms);
        ASSERT_EQ(store_->dispatched_offset(), store_->commit_log_max_offset());
    }

    result<std::uint64_t> trim(std::vector<engine::subscription_options> groups, std::uint64_t keep) {
        wait_dispatched();
        return engine_->trim_backlog(ctx(), groups, keep);
    }

    // What a group's returning subscriber is given, in order, once `count` came.
    std::vector<std::string> resume(engine::subscription_options options, std::size_t count) {
        auto sink = std::make_shared<recording_sink>();
        const auto id = subscribe(std::move(options), sink);
        engine_->grant_credit(id, 100);
        EXPECT_TRUE(sink->wait_for(count));
        std::this_thread::sleep_for(100ms); // nothing more comes
        std::vector<std::string> bodies;
        for (const auto& d : sink->deliveries()) bodies.push_back(d.msg.body);
        engine_->unsubscribe(id);
        return bodies;
    }
};

TEST_F(BacklogLimitTest, NothingIsSkippedWhileNoMoreThanTheLimitWaits) {
    const auto sensors = durable("GANTRY_MQTT-s1", "sensors");
    was_here(sensors);
    for (int i = 0; i < 3; ++i) append("sensors", "m" + std::to_string(i));
    const auto skipped = trim({sensors}, 3);
    ASSERT_TRUE(skipped) << skipped.error().message();
    EXPECT_EQ(*skipped, 0u);
    EXPECT_EQ(resume(sensors, 3), (std::vector<std::string>{"m0", "m1", "m2"}));
}

TEST_F(BacklogLimitTest, TheNewestStayAcrossTheGroupsInTheOrderTheyWereStored) {
    const auto a = durable("GANTRY_MQTT-s2-a", "alpha");
    const auto b = durable("GANTRY_MQTT-s2-b", "beta");
    was_here(a);
    was_here(b);
    append("alpha", "a1");
    append("beta", "b1");
    append("alpha", "a2");
    append("beta", "b2");
    append("alpha", "a3");
    const auto skipped = trim({a, b}, 3);
    ASSERT_TRUE(skipped) << skipped.error().message();
    EXPECT_EQ(*skipped, 2u);
    EXPECT_EQ(resume(a, 2), (std::vector<std::string>{"a2", "a3"}));
    EXPECT_EQ(resume(b, 1), (std::vector<std::string>{"b2"}));
}

TEST_F(BacklogLimitTest, OnlyMessagesTheFilterTakesCount) {
    const auto kitchen = durable("GANTRY_MQTT-s3", "home", "kitchen"); // MQTT "home/kitchen"
    was_here(kitchen);
    for (int i = 0; i < 4; ++i) {
        append("home", "k" + std::to_string(i), "kitchen");
        append("home", "h" + std::to_string(i), "hall");
    }
    const auto skipped = trim({kitchen}, 2);
    ASSERT_TRUE(skipped) << skipped.error().message();
    EXPECT_EQ(*skipped, 2u) << "k0 and k1; the hall messages were never the session's";
    EXPECT_EQ(resume(kitchen, 2), (std::vector<std::string>{"k2", "k3"}));
}

TEST_F(BacklogLimitTest, AGroupWithALiveMemberIsLeftAlone) {
    const auto live = durable("GANTRY_MQTT-s4", "busy");
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(live, sink); // no credit: everything waits
    for (int i = 0; i < 5; ++i) append("busy", "m" + std::to_string(i));
    const auto skipped = trim({live}, 1);
    ASSERT_TRUE(skipped) << skipped.error().message();
    EXPECT_EQ(*skipped, 0u);
    engine_->grant_credit(id, 100);
    EXPECT_TRUE(sink->wait_for(5));
    engine_->unsubscribe(id);
}

TEST_F(BacklogLimitTest, AnAbsentGroupIsTrimmedBesideALiveOneThatIsLeftAlone) {
    const auto live = durable("GANTRY_MQTT-s6-live", "busy");
    const auto away = durable("GANTRY_MQTT-s6-away", "quiet");
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(live, sink); // no credit: everything waits
    was_here(away);
    for (int i = 0; i < 3; ++i) {
        append("busy", "b" + std::to_string(i));
        append("quiet", "q" + std::to_string(i));
    }
    const auto skipped = trim({live, away}, 1);
    ASSERT_TRUE(skipped) << skipped.error().message();
    EXPECT_EQ(*skipped, 2u);
    engine_->grant_credit(id, 100);
    EXPECT_TRUE(sink->wait_for(3)) << "the live group lost messages";
    engine_->unsubscribe(id);
    EXPECT_EQ(resume(away, 1), (std::vector<std::string>{"q2"}));
}

TEST_F(BacklogLimitTest, TheSkipSurvivesARestart) {
    const auto sensors = durable("GANTRY_MQTT-s5", "sensors");
    was_here(sensors);
    for (int i = 0; i < 5; ++i) append("sensors", "m" + std::to_string(i));
    const auto skipped = trim({sensors}, 2);
    ASSERT_TRUE(skipped) << skipped.error().message();
    EXPECT_EQ(*skipped, 3u);
    close();
    open();
    EXPECT_EQ(resume(sensors, 2), (std::vector<std::string>{"m3", "m4"}));
}

TEST_F(BacklogLimitTest, ANonDurableGroupIsRefused) {
    auto options = durable("", "sensors");
    options.durable = false;
    const auto skipped = engine_->trim_backlog(ctx(), std::vector{options}, 1);
    ASSERT_FALSE(skipped);
    EXPECT_EQ(skipped.error(), std::make_error_code(std::errc::invalid_argument));
}

} // namespace
} // namespace gantry::core
