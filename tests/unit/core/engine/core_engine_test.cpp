#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "engine_test_support.hpp"
#include "../../support/zlib_compressed.hpp"
#include "gantry/core/core_error.hpp"
#include "gantry/core/topic_config.hpp"
#include "gantry/store/message_properties.hpp"

namespace gantry::core {
namespace {

using testing::recording_sink;
using engine::delivery_mode;
using engine::outcome;
using engine::start_position;
using engine::subscription_options;

subscription_options shared(std::string topic, std::string group) {
    subscription_options o;
    o.topic = std::move(topic);
    o.group = std::move(group);
    o.start = start_position::earliest();
    return o;
}

class CoreEngineTest : public testing::engine_fixture {
protected:
    // The first message of `topic` as a subscription asking for bodies in
    // place gets it, and as one that does not.
    std::pair<engine::delivery, engine::delivery> first_in_place_and_copied(const std::string& topic) {
        auto in_place = std::make_shared<recording_sink>();
        auto options = shared(topic, "in-place");
        options.body_in_place = true;
        engine_->grant_credit(subscribe(options, in_place), 1);
        auto copied = std::make_shared<recording_sink>();
        engine_->grant_credit(subscribe(shared(topic, "copied"), copied), 1);
        const bool both = in_place->wait_for(1) && copied->wait_for(1);
        EXPECT_TRUE(both) << "no delivery of " << topic;
        if (!both) return {};
        return {in_place->deliveries().front(), copied->deliveries().front()};
    }

    static std::set<std::string> bodies_of(recording_sink& sink) {
        std::set<std::string> bodies;
        for (const auto& d : sink.deliveries()) bodies.insert(d.msg.body);
        return bodies;
    }

    // After a restart, what a member of `o`'s group is given: at least
    // `expected` bodies, and whatever else comes within 50 ms.
    std::set<std::string> bodies_after_restart(const subscription_options& o, std::size_t expected) {
        close();
        open();
        auto sink = std::make_shared<recording_sink>();
        engine_->grant_credit(subscribe(o, sink), 10);
        EXPECT_TRUE(sink->wait_for(expected));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return bodies_of(*sink);
    }
};

TEST_F(CoreEngineTest, DeliversWithinCreditAndNoFurther) {
    for (int i = 0; i < 5; ++i) append("orders", "m" + std::to_string(i));
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(shared("orders", "g"), sink);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(sink->count(), 0u) << "nothing without credit";
    engine_->grant_credit(id, 2);
    ASSERT_TRUE(sink->wait_for(2));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(sink->count(), 2u);
    engine_->grant_credit(id, 10);
    ASSERT_TRUE(sink->wait_for(5));
    std::set<std::string> bodies;
    std::set<std::int64_t> records;
    for (const auto& d : sink->deliveries()) {
        bodies.insert(d.msg.body);
        records.insert(d.physical_offset);
        EXPECT_EQ(d.msg.topic, "orders");
        EXPECT_EQ(d.delivery_count, 1);
    }
    EXPECT_EQ(bodies, (std::set<std::string>{"m0", "m1", "m2", "m3", "m4"}));
    EXPECT_EQ(records.size(), 5u) << "each delivery names its own record";
}

TEST_F(CoreEngineTest, ABacklogOfManyPumpBatchesInOneQueueIsDeliveredWholeAndInOrder) {
    // One publisher, one tag: every message in one queue, five pump batches.
    constexpr int messages = 150;
    for (int i = 0; i < messages; ++i) append("orders", "m" + std::to_string(i));
    auto sink = std::make_shared<recording_sink>();
    engine_->grant_credit(subscribe(shared("orders", "g"), sink), 1000);
    ASSERT_TRUE(sink->wait_for(messages)) << "delivered " << sink->count() << " of " << messages;
    const auto deliveries = sink->deliveries();
    for (int i = 0; i < messages; ++i) EXPECT_EQ(deliveries[i].msg.body, "m" + std::to_string(i));
}

TEST_F(CoreEngineTest, ABodyInPlaceIsTheStoredRecordsOwnBytes) {
    append("orders", "first body");
    const auto [d, c] = first_in_place_and_copied("orders");
    EXPECT_TRUE(d.msg.body.empty());
    ASSERT_TRUE(d.stored_body.keep_alive);
    EXPECT_EQ(store::as_chars(d.stored_body.bytes), "first body");
    const auto record = engine_->stored_record_at(d.physical_offset);
    ASSERT_TRUE(record);
    const auto* begin = record->bytes.data();
    EXPECT_GE(d.stored_body.bytes.data(), begin);
    EXPECT_LE(d.stored_body.bytes.data() + d.stored_body.bytes.size(), begin + record->bytes.size());

    EXPECT_EQ(c.msg.body, "first body");
    EXPECT_FALSE(c.stored_body.keep_alive);
}

TEST_F(CoreEngineTest, ARocketMqProducersCompressedBodyIsDeliveredInflated) {
    const std::string body(10'000, 'z'); // past RocketMQ's 4 KiB, where its clients compress
    engine::record_append r;
    r.topic = "native";
    r.body = gantry::testing::zlib_compressed(body);
    r.sys_flag = store::sys_flag::compressed;
    std::promise<result<engine::append_receipt>> appended;
    engine_->append_record(ctx(), r, [&](result<engine::append_receipt> res) { appended.set_value(res); });
    ASSERT_TRUE(appended.get_future().get());

    const auto [in_place, copied] = first_in_place_and_copied("native");
    EXPECT_FALSE(in_place.stored_body.keep_alive) << "a compressed body cannot go out as it is stored";
    EXPECT_EQ(in_place.msg.body, body);
    EXPECT_EQ(copied.msg.body, body);
}

TEST_F(CoreEngineTest, CompetingConsumersNeverHoldTheSameMessage) {
    constexpr std::size_t messages = 300;
    constexpr int prefetch = 10;
    for (std::size_t i = 0; i < messages; ++i) append("work", std::to_string(i));
    auto a = std::make_shared<recording_sink>();
    auto b = std::make_shared<recording_sink>();
    const auto ida = subscribe(shared("work", "workers"), a, "a");
    const auto idb = subscribe(shared("work", "workers"), b, "b");
    engine_->grant_credit(ida, prefetch);
    engine_->grant_credit(idb, prefetch);
    // Each consumer settles what it got and asks for as many again, like a
    // client with a prefetch window: neither ever holds more than `prefetch`.
    std::size_t settled_a = 0;
    std::size_t settled_b = 0;
    auto settle_new = [&](recording_sink& sink, engine::subscription_id id, std::size_t& settled) {
        const auto got = sink.deliveries();
        const auto before = settled;
        for (; settled < got.size(); ++settled) engine_->settle(id, got[settled].handle, outcome::accepted);
        if (settled > before) engine_->grant_credit(id, static_cast<int>(settled - before));
        return settled > before;
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (a->count() + b->count() < messages && std::chrono::steady_clock::now() < deadline) {
        const bool a_moved = settle_new(*a, ida, settled_a);
        const bool b_moved = settle_new(*b, idb, settled_b);
        if (!a_moved && !b_moved) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::multiset<std::string> all;
    for (const auto& d : a->deliveries()) all.insert(d.msg.body);
    for (const auto& d : b->deliveries()) all.insert(d.msg.body);
    EXPECT_EQ(all.size(), messages);
    EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size()) << "a message went to both";
    EXPECT_GT(a->count(), 0u);
    EXPECT_GT(b->count(), 0u);
}

TEST_F(CoreEngineTest, BroadcastGivesEverySubscriberEverything) {
    auto a = std::make_shared<recording_sink>();
    auto b = std::make_shared<recording_sink>();
    auto o = shared("news", "readers");
    o.mode = delivery_mode::broadcast;
    const auto ida = subscribe(o, a, "a");
    const auto idb = subscribe(o, b, "b");
    engine_->grant_credit(ida, 100);
    engine_->grant_credit(idb, 100);
    for (int i = 0; i < 10; ++i) append("news", std::to_string(i));
    ASSERT_TRUE(a->wait_for(10));
    ASSERT_TRUE(b->wait_for(10));
}

TEST_F(CoreEngineTest, ADeadConsumersMessagesReappearAfterTheAckTimeout) {
    append("jobs", "job-1");
    auto dead = std::make_shared<recording_sink>();
    auto o = shared("jobs", "g");
    o.ack_timeout = std::chrono::milliseconds(100);
    const auto dead_id = subscribe(o, dead, "dead");
    engine_->grant_credit(dead_id, 1);
    ASSERT_TRUE(dead->wait_for(1));
    auto alive = std::make_shared<recording_sink>();
    const auto alive_id = subscribe(o, alive, "alive");
    engine_->grant_credit(alive_id, 1);
    ASSERT_TRUE(alive->wait_for(1, std::chrono::seconds(5)));
    const auto d = alive->deliveries().front();
    EXPECT_EQ(d.msg.body, "job-1");
    EXPECT_EQ(d.msg.topic, "jobs") << "a redelivery reports the topic it was sent to";
    EXPECT_EQ(d.delivery_count, 2);
    EXPECT_EQ(d.msg.message_id, dead->deliveries().front().msg.message_id);
    // The dead consumer's late ack settles nothing.
    engine_->settle(dead_id, dead->deliveries().front().handle, outcome::accepted);
    engine_->settle(alive_id, d.handle, outcome::accepted);
}

TEST_F(CoreEngineTest, ReleasedMessagesComeBackAtOnceCountedButNotAsFailures) {
    append("q", "x");
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(shared("q", "g"), sink);
    engine_->grant_credit(id, 2);
    ASSERT_TRUE(sink->wait_for(1));
    engine_->settle(id, sink->deliveries()[0].handle, outcome::released);
    ASSERT_TRUE(sink->wait_for(2));
    const auto again = sink->deliveries()[1];
    EXPECT_EQ(again.msg.body, "x");
    EXPECT_EQ(again.handle.topic, "q") << "released in place, not via the retry topic";
    EXPECT_EQ(again.delivery_count, 2);
    EXPECT_EQ(again.failed_attempts, 0) << "a release is no failed attempt (AMQP's delivery-count)";
}

TEST_F(CoreEngineTest, SixteenNacksLandTheMessageInTheDeadLetterTopicWithItsHistory) {
    const auto receipt = append("pay", "poison");
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(shared("pay", "billing"), sink);
    engine_->grant_credit(id, 100);
    for (int n = 1; n <= 16; ++n) {
        ASSERT_TRUE(sink->wait_for(static_cast<std::size_t>(n), std::chrono::seconds(5))) << "delivery " << n;
        const auto d = sink->deliveries()[static_cast<std::size_t>(n - 1)];
        EXPECT_EQ(d.delivery_count, n);
        EXPECT_EQ(d.failed_attempts, n - 1) << "each modified outcome is a failed attempt";
        EXPECT_EQ(d.msg.message_id, receipt.message_id);
        engine_->settle(id, d.handle, outcome::modified);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(sink->count(), 16u) << "no 17th delivery";

    auto dlq = std::make_shared<recording_sink>();
    const auto dlq_id = subscribe(shared(dlq_topic_name("billing"), "dlq-reader"), dlq);
    engine_->grant_credit(dlq_id, 10);
    ASSERT_TRUE(dlq->wait_for(1));
    const auto dead = dlq->deliveries().front();
    EXPECT_EQ(dead.msg.body, "poison");
    EXPECT_EQ(dead.msg.topic, "pay") << "the original topic travels with it";
    EXPECT_EQ(dead.msg.message_id, receipt.message_id);
    EXPECT_EQ(dead.delivery_count, 17) << "16 failed attempts recorded";
}

TEST_F(CoreEngineTest, AGroupsRetryMaxTimesBoundsItsRedeliveriesOverAnyProtocol) {
    engine::group_config settings;
    settings.group_name = "billing";
    settings.retry_max_times = 2;
    ASSERT_FALSE(engine_->group_configs().put_group_config(settings));
    append("pay", "poison");
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(shared("pay", "billing"), sink);
    engine_->grant_credit(id, 100);
    for (std::size_t n = 1; n <= 2; ++n) {
        ASSERT_TRUE(sink->wait_for(n, std::chrono::seconds(5))) << "delivery " << n;
        engine_->settle(id, sink->deliveries()[n - 1].handle, outcome::modified);
    }
    auto dlq = std::make_shared<recording_sink>();
    engine_->grant_credit(subscribe(shared(dlq_topic_name("billing"), "dlq-reader"), dlq), 10);
    ASSERT_TRUE(dlq->wait_for(1)) << "two failed attempts, the group's limit: dead letters";
    EXPECT_EQ(sink->count(), 2u) << "no third delivery";
}

TEST_F(CoreEngineTest, RejectedGoesStraightToTheDeadLetterTopic) {
    append("pay", "bad");
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(shared("pay", "g2"), sink);
    engine_->grant_credit(id, 10);
    ASSERT_TRUE(sink->wait_for(1));
    engine_->settle(id, sink->deliveries()[0].handle, outcome::rejected);
    auto dlq = std::make_shared<recording_sink>();
    const auto dlq_id = subscribe(shared(dlq_topic_name("g2"), "r"), dlq);
    engine_->grant_credit(dlq_id, 10);
    ASSERT_TRUE(dlq->wait_for(1));
    EXPECT_EQ(dlq->deliveries()[0].msg.body, "bad");
}

TEST_F(CoreEngineTest, CommittedOffsetsSurviveARestart) {
    for (int i = 0; i < 6; ++i) append("log", std::to_string(i));
    auto o = shared("log", "durable-g");
    o.durable = true;
    {
        auto sink = std::make_shared<recording_sink>();
        const auto id = subscribe(o, sink);
        engine_->grant_credit(id, 4);
        ASSERT_TRUE(sink->wait_for(4));
        for (const auto& d : sink->deliveries()) engine_->settle(id, d.handle, outcome::accepted);
        engine_->unsubscribe(id);
    }
    EXPECT_EQ(bodies_after_restart(o, 2).size(), 2u) << "only what was not acked before the restart";
}

TEST_F(CoreEngineTest, DeliveriesSettledOnHandOverMoveTheGroupOnWithNoOutcome) {
    for (int i = 0; i < 6; ++i) append("telemetry", std::to_string(i));
    auto o = shared("telemetry", "at-most-once");
    o.durable = true;
    o.settle_on_hand_over = true;
    o.ack_timeout = std::chrono::milliseconds(50);
    {
        auto sink = std::make_shared<recording_sink>();
        const auto id = subscribe(o, sink);
        engine_->grant_credit(id, 4);
        ASSERT_TRUE(sink->wait_for(4));
        for (const auto& d : sink->deliveries()) EXPECT_TRUE(d.settled);
        // Past the ack timeout nothing comes back, and leaving gives nothing back.
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        EXPECT_EQ(sink->count(), 4u);
        engine_->unsubscribe(id);
    }
    EXPECT_EQ(bodies_after_restart(o, 2), (std::set<std::string>{"4", "5"}))
        << "the four handed over were committed unsettled";
}

TEST_F(CoreEngineTest, SettlingOnHandOverSwitchedLaterAppliesToLaterDeliveriesOnly) {
    for (int i = 0; i < 3; ++i) append("readings", std::to_string(i));
    auto o = shared("readings", "switching");
    o.durable = true; // outlives its first member
    auto first = std::make_shared<recording_sink>();
    const auto first_id = subscribe(o, first, "first");
    engine_->grant_credit(first_id, 1);
    ASSERT_TRUE(first->wait_for(1));
    EXPECT_FALSE(first->deliveries()[0].settled);
    engine_->settle_on_hand_over(first_id, true);
    engine_->grant_credit(first_id, 1);
    ASSERT_TRUE(first->wait_for(2));
    EXPECT_TRUE(first->deliveries()[1].settled);
    engine_->unsubscribe(first_id);
    // The one awaiting its outcome goes back to the group; the one settled
    // on hand-over does not.
    auto second = std::make_shared<recording_sink>();
    const auto second_id = subscribe(o, second, "second");
    engine_->grant_credit(second_id, 10);
    ASSERT_TRUE(second->wait_for(2));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(bodies_of(*second), (std::set<std::string>{first->deliveries()[0].msg.body, "2"}));
}

TEST_F(CoreEngineTest, NonDurableSubscriptionsLeaveNoStateBehind) {
    append("t", "x");
    auto sink = std::make_shared<recording_sink>();
    auto o = shared("t", "");
    const auto id = subscribe(o, sink);
    engine_->grant_credit(id, 1);
    ASSERT_TRUE(sink->wait_for(1));
    engine_->settle(id, sink->deliveries()[0].handle, outcome::accepted);
    engine_->unsubscribe(id);
    for (int i = 0; i < 100 && !sink->was_closed(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EXPECT_TRUE(sink->was_closed());
    EXPECT_TRUE(engine_->offsets().groups_of_topic("t").empty());
}

// A durable group's start is on disk from its first subscription: a crash
// before any acknowledgement (no clean stop, no periodic flush) must not move
// it to "now" at the next subscription.
TEST_F(CoreEngineTest, DurableGroupStartSurvivesACrashBeforeAnyAck) {
    auto o = shared("journal", "durable-reader");
    o.durable = true;
    o.start = engine::start_position::latest();
    const auto id = subscribe(o, std::make_shared<recording_sink>());
    engine_->unsubscribe(id);
    append("journal", "while-away");
    // What a crash leaves: the offsets file as it is now.
    consumer_offsets on_disk(core_config_.root_dir);
    ASSERT_FALSE(on_disk.load());
    for (std::int32_t q = 0; q < 4; ++q) EXPECT_EQ(on_disk.query("durable-reader", "journal", q), 0) << q;
}

TEST_F(CoreEngineTest, APinnedGroupKeepsWhatIsAppendedBeforeItsFirstSubscription) {
    append("pinned", "before the pin");
    auto o = shared("pinned", "pinned-reader");
    o.durable = true;
    o.start = engine::start_position::latest();
    ASSERT_FALSE(engine_->pin_group(o));
    append("pinned", "after the pin");
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(o, sink);
    engine_->grant_credit(id, 10);
    ASSERT_TRUE(sink->wait_for(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(sink->deliveries().size(), 1u);
    EXPECT_EQ(sink->deliveries()[0].msg.body, "after the pin");
    o.durable = false;
    EXPECT_TRUE(engine_->pin_group(o)) << "only durable groups are pinned";
}

TEST_F(CoreEngineTest, DeletedGroupForgetsItsPositionAndRefusesWhileInUse) {
    append("kept", "old");
    auto o = shared("kept", "sub-1");
    o.durable = true;
    o.start = engine::start_position::earliest();
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(o, sink);
    engine_->grant_credit(id, 10);
    ASSERT_TRUE(sink->wait_for(1));
    engine_->settle(id, sink->deliveries()[0].handle, outcome::accepted);
    EXPECT_EQ(engine_->delete_group(ctx(), "sub-1"), core_errc::group_in_use);
    engine_->unsubscribe(id);
    for (int i = 0; i < 100 && !sink->was_closed(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EXPECT_FALSE(engine_->offsets().groups_of_topic("kept").empty());
    EXPECT_FALSE(engine_->delete_group(ctx(), "sub-1"));
    EXPECT_TRUE(engine_->offsets().groups_of_topic("kept").empty());
    EXPECT_FALSE(engine_->find_topic("%RETRY%sub-1"));
    // Subscribing again starts a new group: from its start, the old message again.
    auto again = std::make_shared<recording_sink>();
    engine_->grant_credit(subscribe(o, again), 10);
    ASSERT_TRUE(again->wait_for(1));
    EXPECT_EQ(again->deliveries()[0].msg.body, "old");
}

// An MQTT share: durable while a persistent session holds it, whoever of
// its members is connected; released, it goes with its last member.
TEST_F(CoreEngineTest, ADurableMemberKeepsATransientGroupAndReleasingItLetsItGo) {
    auto transient = shared("share", "MQTT_SHARE-g-f");
    transient.start = engine::start_position::latest();
    auto durable = transient;
    durable.durable = true;
    auto first = std::make_shared<recording_sink>();
    const auto clean_member = subscribe(transient, first);
    const auto persistent_member = subscribe(durable, std::make_shared<recording_sink>());
    engine_->unsubscribe(clean_member);
    engine_->unsubscribe(persistent_member);
    append("share", "while-every-member-is-away");
    auto back = std::make_shared<recording_sink>();
    const auto returned = subscribe(transient, back);
    engine_->grant_credit(returned, 10);
    ASSERT_TRUE(back->wait_for(1)) << "the group was not kept with no member";
    EXPECT_EQ(back->deliveries()[0].msg.body, "while-every-member-is-away");
    engine_->settle(returned, back->deliveries()[0].handle, outcome::accepted);

    engine_->release_group(ctx(), "MQTT_SHARE-g-f"); // a member is there: it goes when that one leaves
    EXPECT_TRUE(engine_->find_topic("%RETRY%MQTT_SHARE-g-f"));
    engine_->unsubscribe(returned);
    for (int i = 0; i < 100 && !back->was_closed(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EXPECT_TRUE(engine_->offsets().groups_of_topic("share").empty());
    EXPECT_FALSE(engine_->find_topic("%RETRY%MQTT_SHARE-g-f"));
    append("share", "with-no-group");
    auto later = std::make_shared<recording_sink>();
    const auto later_member = subscribe(transient, later);
    engine_->grant_credit(later_member, 10);
    EXPECT_FALSE(later->wait_for(1, std::chrono::milliseconds(300))) << "a released group kept messages";
    engine_->unsubscribe(later_member);

    // No member at all: deleted at once.
    const auto kept = subscribe(durable, std::make_shared<recording_sink>());
    engine_->unsubscribe(kept);
    engine_->release_group(ctx(), "MQTT_SHARE-g-f");
    EXPECT_FALSE(engine_->committed_offset("MQTT_SHARE-g-f", "share", 0));
}

// A group made by a subscription that starts at a time never delivers a
// record stored before it, wherever the queue's index stood when the start
// was resolved; a member that joins later does not move the group's start.
TEST_F(CoreEngineTest, GroupStartingAtATimeSkipsOlderRecordsButLaterMembersDoNot) {
    using namespace std::chrono;
    const auto now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    auto future = shared("timed", "from-the-future");
    future.start = start_position::at_time(now + 60'000);
    auto early = std::make_shared<recording_sink>();
    engine_->grant_credit(subscribe(future, early), 10);
    append("timed", "stored-before-the-start");
    std::this_thread::sleep_for(milliseconds(200));
    EXPECT_EQ(early->count(), 0u);

    auto first = shared("timed", "members");
    first.start = start_position::at_time(now);
    const auto first_id = subscribe(first, std::make_shared<recording_sink>(), "first");
    append("timed", "waiting-for-the-group");
    std::this_thread::sleep_for(milliseconds(20));
    auto second = first;
    second.start = start_position::at_time(now + 60'000);
    auto later = std::make_shared<recording_sink>();
    engine_->grant_credit(subscribe(second, later, "second"), 10);
    ASSERT_TRUE(later->wait_for(2));
    EXPECT_EQ(later->deliveries()[1].msg.body, "waiting-for-the-group");
    engine_->unsubscribe(first_id);
}

// A start at the log's end takes exactly what is appended after it, in the
// same millisecond as what came before or not; a start past the dispatched
// end (a queue that lags) still passes over what was stored before it.
TEST_F(CoreEngineTest, GroupStartingAtALogPositionTakesExactlyWhatIsAppendedAfterIt) {
    for (int round = 0; round < 10; ++round) {
        const auto topic = "positioned-" + std::to_string(round);
        append(topic, "acknowledged-before");
        auto options = shared(topic, "from-here");
        options.start = start_position::at_log_position(engine_->log_end());
        auto sink = std::make_shared<recording_sink>();
        const auto id = subscribe(options, sink);
        engine_->grant_credit(id, 10);
        append(topic, "appended-after");
        ASSERT_TRUE(sink->wait_for(1));
        EXPECT_EQ(sink->deliveries()[0].msg.body, "appended-after") << "round " << round;
        engine_->unsubscribe(id);
    }

    auto ahead = shared("positioned-ahead", "ahead");
    ahead.start = start_position::at_log_position(engine_->log_end() + 1'000'000);
    auto early = std::make_shared<recording_sink>();
    const auto ahead_id = subscribe(ahead, early);
    engine_->grant_credit(ahead_id, 10);
    append("positioned-ahead", "stored-before-the-start");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(early->count(), 0u);
    engine_->unsubscribe(ahead_id);
}

TEST_F(CoreEngineTest, FiltersByTagAndBySelector) {
    engine::message m;
    m.topic = "f";
    m.tag = "red";
    m.body = "red-1";
    m.properties = {{"size", "10"}};
    append(m);
    m.tag = "blue";
    m.body = "blue-1";
    m.properties = {{"size", "3"}};
    append(m);

    auto tags = std::make_shared<recording_sink>();
    auto o = shared("f", "by-tag");
    o.filter = "blue || green";
    engine_->grant_credit(subscribe(o, tags), 10);
    auto sql = std::make_shared<recording_sink>();
    auto s = shared("f", "by-sql");
    s.filter_kind = engine::filter_language::sql92;
    s.filter = "size > 5 AND JMSPriority = 4";
    engine_->grant_credit(subscribe(s, sql), 10);
    ASSERT_TRUE(tags->wait_for(1));
    ASSERT_TRUE(sql->wait_for(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(tags->count(), 1u);
    EXPECT_EQ(tags->deliveries()[0].msg.body, "blue-1");
    ASSERT_EQ(sql->count(), 1u);
    EXPECT_EQ(sql->deliveries()[0].msg.body, "red-1");

    auto bad = shared("f", "bad");
    bad.filter_kind = engine::filter_language::sql92;
    bad.filter = "size > ";
    EXPECT_EQ(engine_->subscribe(ctx(), bad, tags).error(), make_error_code(core_errc::invalid_filter));
    const auto why = engine_->check_filter(engine::filter_language::sql92, "size > ");
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("position"), std::string::npos) << *why;
}

TEST_F(CoreEngineTest, ExpiredMessagesAreNeverDeliveredAndAreCounted) {
    engine::message m;
    m.topic = "ttl";
    m.body = "stale";
    m.expires_at_ms = 1; // long past
    append(m);
    append("ttl", "fresh");
    auto sink = std::make_shared<recording_sink>();
    engine_->grant_credit(subscribe(shared("ttl", "g"), sink), 10);
    ASSERT_TRUE(sink->wait_for(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(sink->count(), 1u);
    EXPECT_EQ(sink->deliveries()[0].msg.body, "fresh");
    EXPECT_EQ(engine_->expired_count(), 1u);
}

TEST_F(CoreEngineTest, LongPollWakesWithinAMillisecondOfAnAppend) {
    append("poll", "first");
    ASSERT_TRUE(store::testing::wait_dispatched(*store_));
    std::vector<double> waits_ms;
    for (int round = 0; round < 20; ++round) {
        std::promise<std::chrono::steady_clock::time_point> woke;
        engine::read_request r;
        r.topic = "poll";
        r.wait = std::chrono::seconds(5);
        // Wait at the end of the queue this client's appends go to.
        for (int q = 0; q < 4; ++q)
            if (store_->max_offset("poll", q) > 0) r.queue_id = q;
        r.offset = store_->max_offset("poll", r.queue_id);
        engine_->read(ctx(), r, [&](result<engine::read_result> res) {
            EXPECT_TRUE(res);
            EXPECT_EQ(res->messages.size(), 1u);
            woke.set_value(std::chrono::steady_clock::now());
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        const auto before = std::chrono::steady_clock::now();
        append("poll", "next");
        const auto at = woke.get_future().get();
        waits_ms.push_back(std::chrono::duration<double, std::milli>(at - before).count());
    }
    std::sort(waits_ms.begin(), waits_ms.end());
#if defined(__SANITIZE_ADDRESS__)
    const double limit_ms = 5.0; // sanitizers slow every step several-fold
#else
    const double limit_ms = 1.0;
#endif
    EXPECT_LE(waits_ms[waits_ms.size() / 2], limit_ms) << "median append-to-wake-up";
}

TEST_F(CoreEngineTest, LongPollGivesUpAtItsDeadline) {
    engine::read_request r;
    r.topic = "quiet";
    r.wait = std::chrono::milliseconds(50);
    std::promise<std::size_t> got;
    const auto start = std::chrono::steady_clock::now();
    engine_->read(ctx(), r, [&](result<engine::read_result> res) { got.set_value(res ? res->messages.size() : 99); });
    EXPECT_EQ(got.get_future().get(), 0u);
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(45));
}

TEST_F(CoreEngineTest, FindsMessagesByOffsetIdAndByKey) {
    engine::message m;
    m.topic = "find";
    m.keys = {"order-42"};
    m.body = "found";
    const auto receipt = append(m);
    ASSERT_TRUE(store::testing::wait_dispatched(*store_));
    auto by_id = engine_->find_by_offset_id(engine_->offset_message_id(receipt.physical_offset));
    ASSERT_TRUE(by_id);
    EXPECT_EQ(by_id->msg.body, "found");
    const auto by_key = engine_->find_by_key("find", "order-42", 10);
    ASSERT_EQ(by_key.size(), 1u);
    EXPECT_EQ(by_key[0].msg.message_id, receipt.message_id);
    const auto by_unique = engine_->find_by_key("find", receipt.message_id, 10);
    EXPECT_EQ(by_unique.size(), 1u);
    EXPECT_FALSE(engine_->find_by_offset_id("00000000000000000000000000000000"));
}


TEST_F(CoreEngineTest, InFlightMessagesAreNotLostAcrossARestart) {
    for (int i = 0; i < 4; ++i) append("inflight", std::to_string(i));
    auto o = shared("inflight", "g");
    o.durable = true;
    {
        auto sink = std::make_shared<recording_sink>();
        const auto id = subscribe(o, sink);
        engine_->grant_credit(id, 4);
        ASSERT_TRUE(sink->wait_for(4));
        engine_->settle(id, sink->deliveries()[0].handle, outcome::accepted);
        engine_->settle(id, sink->deliveries()[2].handle, outcome::accepted);
        // 1 and 3 are still in flight when the broker stops.
    }
    close();
    open();
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(o, sink);
    engine_->grant_credit(id, 10);
    ASSERT_TRUE(sink->wait_for(2));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::set<std::string> bodies;
    for (const auto& d : sink->deliveries()) bodies.insert(d.msg.body);
    EXPECT_TRUE(bodies.count("1") && bodies.count("3")) << "unsettled messages come back";
    EXPECT_FALSE(bodies.count("0")) << "settled before the first unsettled one: not again";
}


TEST_F(CoreEngineTest, ExtendingADeliveryKeepsItFromTimingOut) {
    append("slow", "work");
    auto sink = std::make_shared<recording_sink>();
    auto o = shared("slow", "g");
    o.ack_timeout = std::chrono::milliseconds(80);
    const auto id = subscribe(o, sink);
    engine_->grant_credit(id, 5);
    ASSERT_TRUE(sink->wait_for(1));
    const auto handle = sink->deliveries()[0].handle;
    for (int i = 0; i < 5; ++i) {
        EXPECT_TRUE(engine_->extend(id, handle, std::chrono::milliseconds(80)));
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    EXPECT_EQ(sink->count(), 1u) << "still held after 200 ms with an 80 ms timeout";
    engine_->settle(id, handle, outcome::accepted);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    EXPECT_EQ(sink->count(), 1u);
}

TEST_F(CoreEngineTest, AnExclusiveGroupTakesOneConsumer) {
    auto o = shared("ex", "solo");
    o.mode = delivery_mode::exclusive;
    auto a = std::make_shared<recording_sink>();
    subscribe(o, a);
    EXPECT_EQ(engine_->subscribe(ctx("b"), o, a).error(), make_error_code(core_errc::exclusive_group_busy));
    auto s = shared("ex", "solo");
    EXPECT_EQ(engine_->subscribe(ctx("c"), s, a).error(), make_error_code(core_errc::group_mode_conflict));
}

TEST_F(CoreEngineTest, ResetByTimeMovesAGroupBackAndReportsQueues) {
    append("hist", "old");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto cut = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    append("hist", "new");
    ASSERT_TRUE(store::testing::wait_dispatched(*store_));
    std::int32_t queue = -1;
    for (int q = 0; q < 4; ++q)
        if (store_->max_offset("hist", q) > 0) queue = q;
    ASSERT_GE(queue, 0);
    const auto state = engine_->query_queue("hist", queue);
    ASSERT_TRUE(state);
    EXPECT_EQ(state->min_offset, 0);
    EXPECT_EQ(state->max_offset, 2);
    EXPECT_GT(state->earliest_store_time_ms, 0);
    EXPECT_EQ(engine_->offset_at_time("hist", queue, cut), 1);
    EXPECT_EQ(engine_->query_queue("hist", 99).error(), make_error_code(core_errc::no_such_queue));

    auto o = shared("hist", "replay");
    o.durable = true;
    o.start = start_position::latest();
    auto sink = std::make_shared<recording_sink>();
    const auto id = subscribe(o, sink);
    engine_->grant_credit(id, 10);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(sink->count(), 0u) << "a new group at latest sees nothing old";
    ASSERT_FALSE(engine_->reset_offsets(ctx(), "replay", "hist", start_position::at_time(cut)));
    ASSERT_TRUE(sink->wait_for(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(sink->count(), 1u);
    EXPECT_EQ(sink->deliveries()[0].msg.body, "new");
}

} // namespace
} // namespace gantry::core


namespace gantry::core {
namespace {

TEST_F(CoreEngineTest, RecordFormAppendsKeepTheClientsQueueFlagsAndPropertiesAndReadBackAsStored) {
    engine::declare_options d{"native", 4};
    std::promise<std::error_code> declared;
    engine_->declare(ctx(), d, [&](std::error_code ec) { declared.set_value(ec); });
    ASSERT_FALSE(declared.get_future().get());

    engine::record_append r;
    r.topic = "native";
    r.queue_id = 3;
    r.flag = 5;
    r.body = "payload";
    store::append_property(r.properties, "TAGS", "TagA");
    store::append_property(r.properties, "UNIQ_KEY", "C0A80001");
    store::append_property(r.properties, "WAIT", "true");
    store::append_property(r.properties, "app", "v");
    r.sys_flag = 0;
    r.born_timestamp = 1234;
    r.born_host.bytes = {10, 0, 0, 9};
    r.born_host.port = 5555;
    r.reconsume_times = 2;
    std::promise<result<engine::append_receipt>> appended;
    engine_->append_record(ctx(), r, [&](result<engine::append_receipt> res) { appended.set_value(res); });
    const auto receipt = appended.get_future().get();
    ASSERT_TRUE(receipt);
    EXPECT_EQ(receipt->queue_id, 3);
    EXPECT_EQ(receipt->message_id, "C0A80001");
    ASSERT_TRUE(store::testing::wait_dispatched(*store_));

    engine::read_request read;
    read.topic = "native";
    read.queue_id = 3;
    read.stored_form = true;
    std::promise<result<engine::read_result>> got;
    engine_->read(ctx(), read, [&](result<engine::read_result> res) { got.set_value(res); });
    const auto read_back = got.get_future().get();
    ASSERT_TRUE(read_back);
    ASSERT_EQ(read_back->records.size(), 1u);
    EXPECT_TRUE(read_back->messages.empty());
    const auto record = store::decode_record(read_back->records[0].bytes);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->flag, 5);
    EXPECT_EQ(record->reconsume_times, 2);
    EXPECT_EQ(record->born_timestamp, 1234);
    EXPECT_EQ(record->born_host.port, 5555);
    EXPECT_EQ(record->born_host.bytes[3], 9);
    EXPECT_EQ(store::find_property(record->properties, "TAGS"), "TagA");
    EXPECT_FALSE(store::find_property(record->properties, "WAIT")) << "WAIT is not stored";
    EXPECT_EQ(read_back->next_offset, 1);

    // Any protocol's subscriber reads it as a model message.
    auto sink = std::make_shared<recording_sink>();
    engine_->grant_credit(subscribe(shared("native", "model"), sink), 5);
    ASSERT_TRUE(sink->wait_for(1));
    const auto m = sink->deliveries()[0].msg;
    EXPECT_EQ(m.tag, "TagA");
    EXPECT_EQ(m.message_id, "C0A80001");
    EXPECT_EQ(m.properties, (std::vector<std::pair<std::string, std::string>>{{"app", "v"}}));

    r.queue_id = 4;
    std::promise<result<engine::append_receipt>> refused;
    engine_->append_record(ctx(), r, [&](result<engine::append_receipt> res) { refused.set_value(res); });
    EXPECT_EQ(refused.get_future().get().error(), make_error_code(core_errc::no_such_queue));
}


TEST_F(CoreEngineTest, ReportsTopicsAndCommittedOffsets) {
    EXPECT_FALSE(engine_->find_topic("absent"));
    append("listed", "x");
    const auto info = engine_->find_topic("listed");
    ASSERT_TRUE(info);
    EXPECT_EQ(info->name, "listed");
    EXPECT_EQ(info->read_queue_nums, 4) << "a client's default queue count for a topic created by a send";
    EXPECT_EQ(info->write_queue_nums, 4);
    const auto names = engine_->topic_names();
    EXPECT_NE(std::find(names.begin(), names.end(), "listed"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "TBW102"), names.end()) << "system topics are listed too";

    EXPECT_FALSE(engine_->committed_offset("g", "listed", 0));
    ASSERT_FALSE(engine_->commit_offset(ctx(), "g", "listed", 0, 7));
    EXPECT_EQ(engine_->committed_offset("g", "listed", 0), 7);
    EXPECT_EQ(engine_->commit_offset(ctx(), "g", "absent", 0, 1), make_error_code(core_errc::topic_not_exist));
}

TEST_F(CoreEngineTest, ReadersExecutorIsTheOneEveryWaitingReaderOfATopicShares) {
    EXPECT_FALSE(engine_->readers_executor("orders")) << "no such topic";
    append("orders", "m0");
    EXPECT_FALSE(engine_->readers_executor("orders")) << "no reader";

    auto sink = std::make_shared<recording_sink>();
    const auto first = subscribe(shared("orders", "g"), sink);
    const auto home = engine_->readers_executor("orders");
    ASSERT_TRUE(home);
    EXPECT_TRUE(*home == asio::any_io_executor(io_.get_executor()));

    boost::asio::io_context elsewhere;
    auto other_sink = std::make_shared<recording_sink>();
    const auto second = engine_->subscribe({"", "client-2", elsewhere.get_executor()}, shared("orders", "h"),
                                           other_sink);
    ASSERT_TRUE(second);
    EXPECT_FALSE(engine_->readers_executor("orders")) << "readers on two executors";

    engine_->unsubscribe(first);
    const auto left = engine_->readers_executor("orders");
    ASSERT_TRUE(left);
    EXPECT_TRUE(*left == asio::any_io_executor(elsewhere.get_executor()));
    engine_->unsubscribe(*second);
    EXPECT_FALSE(engine_->readers_executor("orders"));
}

} // namespace
} // namespace gantry::core
