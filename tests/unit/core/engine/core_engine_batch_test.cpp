// append_batch: a session's messages of one read, stored in one go, each
// answered as append() would answer it, in order, with one completion.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "engine_test_support.hpp"
#include "gantry/store/store_error.hpp"

namespace gantry::core {
namespace {

class CoreEngineBatchTest : public testing::engine_fixture {
protected:
    static engine::message message(std::string body) {
        engine::message m;
        m.topic = "sensors";
        m.tag = "room/1";
        m.body = std::move(body);
        return m;
    }

    std::vector<result<engine::append_receipt>> append_batch(std::vector<engine::message> msgs) {
        std::promise<std::vector<result<engine::append_receipt>>> p;
        int completions = 0;
        engine_->append_batch(ctx(), std::move(msgs), [&](std::vector<result<engine::append_receipt>> answers) {
            ++completions;
            p.set_value(std::move(answers));
        });
        auto answers = p.get_future().get();
        EXPECT_EQ(completions, 1);
        return answers;
    }

    // Every message of "sensors", in the order a subscriber gets them.
    std::vector<std::string> bodies_read(std::size_t expected) {
        auto sink = std::make_shared<testing::recording_sink>();
        engine::subscription_options options;
        options.topic = "sensors";
        options.group = "reader";
        options.start = engine::start_position::earliest();
        const auto id = subscribe(options, sink);
        engine_->grant_credit(id, 100);
        EXPECT_TRUE(sink->wait_for(expected));
        std::vector<std::string> bodies;
        for (const auto& d : sink->deliveries()) bodies.push_back(d.msg.body);
        return bodies;
    }
};

TEST_F(CoreEngineBatchTest, StoresEachInOrderAndAnswersEachOnce) {
    const auto answers = append_batch({message("a"), message("b"), message("c")});
    ASSERT_EQ(answers.size(), 3u);
    for (const auto& a : answers) ASSERT_TRUE(a) << a.error().message();
    for (std::size_t i = 1; i < answers.size(); ++i) {
        EXPECT_EQ(answers[i]->queue_id, answers[0]->queue_id) << "one caller, one tag: one queue";
        EXPECT_EQ(answers[i]->queue_offset, answers[i - 1]->queue_offset + 1);
        EXPECT_GT(answers[i]->physical_offset, answers[i - 1]->physical_offset);
        EXPECT_NE(answers[i]->message_id, answers[i - 1]->message_id);
        EXPECT_TRUE(answers[i]->durable);
    }
    EXPECT_EQ(bodies_read(3), (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(CoreEngineBatchTest, AMessageOverTheSizeLimitFailsAloneAndTheOthersAreStored) {
    const std::string too_large(static_cast<std::size_t>(store_config_.max_message_size) + 1, 'x');
    const auto answers = append_batch({message("before"), message(too_large), message("after")});
    ASSERT_EQ(answers.size(), 3u);
    EXPECT_TRUE(answers[0]);
    ASSERT_FALSE(answers[1]);
    EXPECT_EQ(answers[1].error(), store::store_errc::message_too_large);
    EXPECT_TRUE(answers[2]);
    EXPECT_EQ(bodies_read(2), (std::vector<std::string>{"before", "after"}));
}

TEST_F(CoreEngineBatchTest, UnderSyncFlushEveryAnswerWaitsForTheDisk) {
    close();
    store_config_.flush_type = store::flush_disk_type::sync_flush;
    open();
    const auto answers = append_batch({message("one"), message("two")});
    ASSERT_EQ(answers.size(), 2u);
    for (const auto& a : answers) {
        ASSERT_TRUE(a) << a.error().message();
        EXPECT_TRUE(a->durable);
        EXPECT_LE(a->physical_offset, store_->commit_log_max_offset());
    }
    EXPECT_TRUE(store_->durable_at_once(store_->commit_log_max_offset())) << "answered before the flush";
}

} // namespace
} // namespace gantry::core
