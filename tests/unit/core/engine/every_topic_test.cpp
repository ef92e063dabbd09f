// subscription_options::every_topic: one subscription reads every
// application topic, those made after it included, and no system, retry,
// dead-letter or hidden one.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "engine_test_support.hpp"

namespace gantry::core {
namespace {

using namespace std::chrono_literals;
using testing::recording_sink;

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class EveryTopicTest : public testing::engine_fixture {
protected:
    engine::subscription_options every_topic(std::string filter = "#") {
        engine::subscription_options o;
        o.every_topic = true;
        o.filter_kind = engine::filter_language::mqtt;
        o.filter = std::move(filter);
        o.start = engine::start_position::at_time(wall_ms());
        return o;
    }

    static std::set<std::string> bodies(recording_sink& sink) {
        std::set<std::string> out;
        for (const auto& d : sink.deliveries()) out.insert(d.msg.body);
        return out;
    }

    // Appends `body` to `topic` and waits until `sink` got `count` in all.
    void append_and_wait(recording_sink& sink, const std::string& topic, const std::string& body, std::size_t count,
                         std::string tag = {}) {
        append(topic, body, std::move(tag));
        ASSERT_TRUE(sink.wait_for(count)) << body << " in " << topic;
    }
};

TEST_F(EveryTopicTest, ReadsTopicsThatExistAndTopicsMadeLater) {
    append("before", "old"); // stored before the subscription starts
    std::this_thread::sleep_for(5ms); // the start is a store time in ms: not the same one
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(every_topic(), sink);
    engine_->grant_credit(id, 100);
    append_and_wait(*sink, "before", "existing-topic", 1);
    append_and_wait(*sink, "later", "new-topic", 2, "x/y");
    append_and_wait(*sink, "later2", "another-new-topic", 3);
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(bodies(*sink), (std::set<std::string>{"existing-topic", "new-topic", "another-new-topic"}));
}

TEST_F(EveryTopicTest, PassesSystemRetryDeadLetterAndHiddenTopicsBy) {
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(every_topic(), sink);
    engine_->grant_credit(id, 100);
    append("%24SYS", "hidden", "broker/uptime"); // MQTT "$SYS/broker/uptime"
    append(retry_topic_name("some-group"), "retry");
    append(dlq_topic_name("some-group"), "dead-letter");
    engine::message system;
    system.topic = std::string(system_topic::self_test);
    system.body = "system";
    engine_->append(ctx(), system, [](result<engine::append_receipt>) {});
    append_and_wait(*sink, "app", "application", 1);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(bodies(*sink), (std::set<std::string>{"application"}));
}

TEST_F(EveryTopicTest, TheFilterAppliesToTheLevelsAfterTheFirstOfEachTopic) {
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(every_topic("temp"), sink); // MQTT "+/temp"
    engine_->grant_credit(id, 100);
    append("kitchen", "kitchen-light", "light");
    append("kitchen", "kitchen-one-level");
    append("hall", "hall-temp-deeper", "temp/c");
    append_and_wait(*sink, "kitchen", "kitchen-temp", 1, "temp");
    append_and_wait(*sink, "hall", "hall-temp", 2, "temp");
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(bodies(*sink), (std::set<std::string>{"kitchen-temp", "hall-temp"}));
}

// A durable subscriber to every topic that comes back, giving its first
// start again, reads what arrived while it was away: in topics it had read
// (from its committed place) and in topics made meanwhile (from its start).
TEST_F(EveryTopicTest, ADurableGroupThatComesBackReadsTopicsMadeWhileItWasAway) {
    auto options = every_topic();
    options.group = "GANTRY_MQTT-dev-1";
    options.durable = true;
    auto first = std::make_shared<recording_sink>();
    auto id = subscribe(options, first);
    engine_->grant_credit(id, 100);
    append_and_wait(*first, "known", "while-there", 1);
    engine_->settle(id, first->deliveries().front().handle, engine::outcome::accepted);
    engine_->unsubscribe(id);
    ASSERT_TRUE(first->wait_for(1));

    append("known", "away-in-a-known-topic");
    append("made-while-away", "away-in-a-new-topic", "a/b");

    auto again = std::make_shared<recording_sink>();
    id = subscribe(options, again);
    engine_->grant_credit(id, 100);
    ASSERT_TRUE(again->wait_for(2));
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(bodies(*again), (std::set<std::string>{"away-in-a-known-topic", "away-in-a-new-topic"}));
}

TEST_F(EveryTopicTest, ATopicMadeAfterUnsubscribingReachesNoOne) {
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(every_topic(), sink);
    engine_->grant_credit(id, 100);
    append_and_wait(*sink, "first", "one", 1);
    engine_->unsubscribe(id);
    append("second", "two");
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(sink->count(), 1u);
    EXPECT_TRUE(sink->was_closed());
}

TEST_F(EveryTopicTest, ADeletedTopicIsNoLongerReadAndTheSubscriptionGoesOn) {
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(every_topic(), sink);
    engine_->grant_credit(id, 100);
    append_and_wait(*sink, "doomed", "before-delete", 1);
    ASSERT_FALSE(engine_->delete_topic(ctx(), "doomed"));
    append_and_wait(*sink, "survivor", "other-topic", 2);
    append_and_wait(*sink, "doomed", "made-again", 3); // a send makes it again: read from its start
    std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(sink->was_closed());
    EXPECT_EQ(bodies(*sink), (std::set<std::string>{"before-delete", "other-topic", "made-again"}));
}

// As a bridge does: pin before any subscription, subscribe from earliest().
TEST_F(EveryTopicTest, APinnedGroupKeepsWhatEveryTopicGetsFromThePinOnAlsoInTopicsMadeSinceAndAfterARepin) {
    append("existing", "before-pin");
    std::this_thread::sleep_for(5ms); // the start is a store time in ms: not the same one
    auto options = every_topic();
    options.group = "GANTRY_BRIDGE-x";
    options.durable = true;
    ASSERT_FALSE(engine_->pin_group(options));
    append("existing", "after-pin");
    append("made-since", "in-a-new-topic");
    // A restart pins again with a later start: the topic made meanwhile must not start there.
    std::this_thread::sleep_for(5ms);
    options.start = engine::start_position::at_time(wall_ms());
    ASSERT_FALSE(engine_->pin_group(options));

    options.start = engine::start_position::earliest();
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(options, sink);
    engine_->grant_credit(id, 100);
    ASSERT_TRUE(sink->wait_for(2));
    append_and_wait(*sink, "made-later", "while-subscribed", 3);
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(bodies(*sink), (std::set<std::string>{"after-pin", "in-a-new-topic", "while-subscribed"}));
}

TEST_F(EveryTopicTest, OnlyANamedDurableGroupIsPinned) {
    auto options = every_topic();
    options.group = "GANTRY_BRIDGE-x";
    EXPECT_EQ(engine_->pin_group(options), std::make_error_code(std::errc::invalid_argument));
}

} // namespace
} // namespace gantry::core
