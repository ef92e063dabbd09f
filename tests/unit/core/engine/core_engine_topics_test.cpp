#include <gtest/gtest.h>

#include <algorithm>
#include <future>

#include "engine_test_support.hpp"
#include "gantry/core/core_error.hpp"

namespace gantry::core {
namespace {

using testing::recording_sink;
using engine::outcome;
using engine::start_position;
using engine::subscription_options;

class CoreEngineTopicsTest : public testing::engine_fixture {
protected:
    std::error_code declare(const std::string& topic, int queues = 1) {
        std::promise<std::error_code> done;
        engine_->declare(ctx(), {topic, queues}, [&](std::error_code ec) { done.set_value(ec); });
        return done.get_future().get();
    }

    std::int64_t stored_in(const std::string& topic) {
        std::int64_t total = 0;
        for (std::int32_t q = 0; q < 4; ++q) total += store_->max_offset(topic, q);
        return total;
    }
};

subscription_options durable(std::string topic, std::string group) {
    subscription_options o;
    o.topic = std::move(topic);
    o.group = std::move(group);
    o.durable = true;
    o.start = start_position::earliest();
    return o;
}

TEST_F(CoreEngineTopicsTest, DeletingATopicEndsItsSubscriptionsAndForgetsItsOffsetsAndMessages) {
    for (const auto* body : {"old-1", "old-2", "old-3"}) append("Doomed", body);
    append("Other", "stays");
    auto doomed_sink = std::make_shared<recording_sink>();
    const auto doomed_id = subscribe(durable("Doomed", "readers"), doomed_sink);
    engine_->grant_credit(doomed_id, 10);
    ASSERT_TRUE(doomed_sink->wait_for(3));
    for (const auto& d : doomed_sink->deliveries()) engine_->settle(doomed_id, d.handle, outcome::accepted);
    auto other_sink = std::make_shared<recording_sink>();
    engine_->grant_credit(subscribe(durable("Other", "others"), other_sink), 10);
    ASSERT_TRUE(other_sink->wait_for(1));
    ASSERT_FALSE(engine_->commit_offset(ctx(), "native", "Doomed", 0, 2));
    ASSERT_EQ(stored_in("Doomed"), 3);

    ASSERT_FALSE(engine_->delete_topic(ctx(), "Doomed"));

    const auto reason = doomed_sink->wait_closed();
    ASSERT_TRUE(reason) << "the subscription of the deleted topic was not ended";
    EXPECT_EQ(*reason, core_errc::topic_deleted);
    EXPECT_FALSE(other_sink->was_closed()) << "a subscription of another topic ended";
    EXPECT_FALSE(engine_->find_topic("Doomed"));
    const auto names = engine_->topic_names();
    EXPECT_EQ(std::find(names.begin(), names.end(), "Doomed"), names.end());
    EXPECT_TRUE(engine_->offsets().groups_of_topic("Doomed").empty());
    EXPECT_FALSE(engine_->committed_offset("native", "Doomed", 0));
    EXPECT_EQ(engine_->query_queue("Doomed", 0).error(), core_errc::topic_not_exist);
    EXPECT_EQ(stored_in("Doomed"), 0) << "the deleted topic's queues can still be read";
    EXPECT_TRUE(engine_->find_topic("Other"));
    EXPECT_FALSE(engine_->offsets().groups_of_topic("Other").empty());

    // Made again by a send, the topic starts from offset 0, and the durable
    // group that read it before has no position left in it: it gets the new
    // message only, from the start.
    const auto again = append("Doomed", "new");
    EXPECT_EQ(again.queue_offset, 0);
    auto fresh = std::make_shared<recording_sink>();
    engine_->grant_credit(subscribe(durable("Doomed", "readers"), fresh), 10);
    ASSERT_TRUE(fresh->wait_for(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(100)); // anything old would show up by now
    ASSERT_EQ(fresh->count(), 1u);
    EXPECT_EQ(fresh->deliveries()[0].msg.body, "new");
}

TEST_F(CoreEngineTopicsTest, AReadHeldOnADeletedTopicFailsAtOnceAsForATopicThatDoesNotExist) {
    ASSERT_FALSE(declare("Held"));
    engine::read_request r;
    r.topic = "Held";
    r.wait = std::chrono::seconds(20);
    std::promise<result<engine::read_result>> answered;
    auto answer = answered.get_future();
    engine_->read(ctx(), r, [&](result<engine::read_result> got) { answered.set_value(std::move(got)); });
    ASSERT_EQ(answer.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout) << "the read is held";

    const auto deleted_at = std::chrono::steady_clock::now();
    ASSERT_FALSE(engine_->delete_topic(ctx(), "Held"));
    ASSERT_EQ(answer.wait_for(std::chrono::seconds(2)), std::future_status::ready) << "still held after the delete";
    EXPECT_LT(std::chrono::steady_clock::now() - deleted_at, std::chrono::seconds(1));
    const auto got = answer.get();
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error(), core_errc::topic_not_exist);

}

TEST_F(CoreEngineTopicsTest, SystemAndUnknownTopicsAreRefusedButRetryAndDeadLetterTopicsMayGo) {
    EXPECT_EQ(engine_->delete_topic(ctx(), "TBW102"), core_errc::reserved_topic_name);
    EXPECT_EQ(engine_->delete_topic(ctx(), "SCHEDULE_TOPIC_XXXX"), core_errc::reserved_topic_name);
    EXPECT_EQ(engine_->delete_topic(ctx(), "rmq_sys_wheel_timer"), core_errc::reserved_topic_name);
    EXPECT_TRUE(engine_->find_topic("TBW102"));
    EXPECT_EQ(engine_->delete_topic(ctx(), "Absent"), core_errc::topic_not_exist);
    EXPECT_EQ(engine_->delete_topic(ctx(), "no spaces"), core_errc::invalid_topic_name);

    // RocketMQ's TopicValidator does not count %RETRY% and %DLQ% as system topics.
    ASSERT_FALSE(declare("%RETRY%grp"));
    ASSERT_FALSE(declare("%DLQ%grp"));
    ASSERT_TRUE(engine_->find_topic("%RETRY%grp"));
    EXPECT_FALSE(engine_->delete_topic(ctx(), "%RETRY%grp"));
    EXPECT_FALSE(engine_->delete_topic(ctx(), "%DLQ%grp"));
    EXPECT_FALSE(engine_->find_topic("%RETRY%grp"));
    EXPECT_FALSE(engine_->find_topic("%DLQ%grp"));
    EXPECT_EQ(engine_->delete_topic(ctx(), "%RETRY%grp"), core_errc::topic_not_exist);
}

TEST_F(CoreEngineTopicsTest, ASubscriptionReadingTheDeletedRetryTopicOfItsGroupEndsToo) {
    append("Main", "m");
    auto sink = std::make_shared<recording_sink>();
    subscribe(durable("Main", "grp"), sink);
    ASSERT_TRUE(engine_->find_topic("%RETRY%grp"));
    ASSERT_FALSE(engine_->delete_topic(ctx(), "%RETRY%grp"));
    const auto reason = sink->wait_closed();
    ASSERT_TRUE(reason);
    EXPECT_EQ(*reason, core_errc::topic_deleted);
    EXPECT_TRUE(engine_->find_topic("Main"));
}

TEST_F(CoreEngineTopicsTest, ListsGroupsWithOffsetsAsDurableAndLiveGroupsWithTheirMembers) {
    append("Listed", "x");
    ASSERT_FALSE(engine_->commit_offset(ctx(), "native-group", "Listed", 0, 1));
    auto a = std::make_shared<recording_sink>();
    auto b = std::make_shared<recording_sink>();
    const auto first = subscribe(durable("Listed", "shared-group"), a, "client-a");
    const auto second = subscribe(durable("Listed", "shared-group"), b, "client-b");
    subscription_options passing;
    passing.topic = "Listed";
    auto c = std::make_shared<recording_sink>();
    const auto private_id = subscribe(passing, c); // no group: a private, non-durable one

    auto groups = engine_->list_groups();
    ASSERT_TRUE(std::is_sorted(groups.begin(), groups.end(),
                               [](const auto& x, const auto& y) { return x.name < y.name; }));
    const auto find = [&](const std::string& name) {
        const auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.name == name; });
        return it == groups.end() ? std::optional<engine::group_info>() : std::optional(*it);
    };
    ASSERT_TRUE(find("native-group"));
    EXPECT_EQ(*find("native-group"), (engine::group_info{"native-group", 0, true}));
    ASSERT_TRUE(find("shared-group"));
    EXPECT_EQ(*find("shared-group"), (engine::group_info{"shared-group", 2, true}));
    const auto passing_group = std::find_if(groups.begin(), groups.end(), [](const auto& g) { return !g.durable; });
    ASSERT_NE(passing_group, groups.end()) << "the private group of the group-less subscription is not listed";
    EXPECT_EQ(passing_group->members, 1);

    engine_->unsubscribe(first);
    engine_->unsubscribe(second);
    engine_->unsubscribe(private_id);
    ASSERT_TRUE(c->wait_closed());
    ASSERT_TRUE(a->wait_closed() && b->wait_closed());
    groups = engine_->list_groups();
    ASSERT_TRUE(find("shared-group")) << "a durable group with no member left is still known";
    EXPECT_EQ(find("shared-group")->members, 0);
    EXPECT_TRUE(std::none_of(groups.begin(), groups.end(), [](const auto& g) { return !g.durable; }))
        << "the private group outlived its subscription";
}

} // namespace
} // namespace gantry::core
