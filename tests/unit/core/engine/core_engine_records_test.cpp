// The stored-form operations the native protocol uses: batch appends,
// look-ups of stored records, and CONSUMER_SEND_MSG_BACK's send_back.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "engine_test_support.hpp"
#include "gantry/core/core_error.hpp"
#include "gantry/core/topic_config.hpp"
#include "gantry/store/message_properties.hpp"

namespace gantry::core {
namespace {

class CoreEngineRecordsTest : public testing::engine_fixture {
protected:
    engine::record_append record(std::string body, std::string unique_key) {
        engine::record_append r;
        r.topic = "orders";
        r.body = std::move(body);
        store::append_property(r.properties, "KEYS", "order-7");
        store::append_property(r.properties, "UNIQ_KEY", unique_key);
        r.born_timestamp = 1;
        return r;
    }

    std::vector<engine::append_receipt> append_all(std::vector<engine::record_append> records) {
        std::promise<result<std::vector<engine::append_receipt>>> p;
        engine_->append_records(ctx(), std::move(records),
                                [&](result<std::vector<engine::append_receipt>> r) { p.set_value(std::move(r)); });
        auto r = p.get_future().get();
        EXPECT_TRUE(r) << r.error().message();
        return r ? *r : std::vector<engine::append_receipt>{};
    }

    std::error_code send_back(engine::send_back_request request) {
        std::promise<std::error_code> p;
        engine_->send_back(ctx(), std::move(request), [&](std::error_code ec) { p.set_value(ec); });
        return p.get_future().get();
    }

    // The decoded record at queue offset `offset` of queue 0, waiting for it.
    std::optional<store::decoded_record> wait_record(const std::string& topic, std::int64_t offset) {
        for (int i = 0; i < 500 && store_->max_offset(topic, 0) <= offset; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        const auto got = store_->get_messages({.topic = topic, .queue_id = 0, .offset = offset, .max_messages = 1});
        if (got.status != store::get_status::found) return std::nullopt;
        keep_ = got.messages.front().file;
        return store::decode_record(got.messages.front().bytes);
    }

    store::mapped_file_ptr keep_;
};

TEST_F(CoreEngineRecordsTest, ABatchTakesConsecutiveOffsetsAndIsFoundInStoredForm) {
    const auto receipts = append_all({record("a", "U1"), record("b", "U2"), record("c", "U3")});
    ASSERT_EQ(receipts.size(), 3u);
    for (std::int64_t i = 0; i < 3; ++i) EXPECT_EQ(receipts[static_cast<std::size_t>(i)].queue_offset, i);
    EXPECT_EQ(receipts[1].message_id, "U2");
    ASSERT_TRUE(store::testing::wait_dispatched(*store_));

    const auto at = engine_->stored_record_at(receipts[2].physical_offset);
    ASSERT_TRUE(at);
    EXPECT_EQ(store::as_chars(store::decode_record(at->bytes)->body), "c");
    EXPECT_FALSE(engine_->stored_record_at(receipts[2].physical_offset + 1));

    const auto found = engine_->find_stored_by_key("orders", "order-7", 10, 0, INT64_MAX);
    EXPECT_EQ(found.size(), 3u);
    EXPECT_TRUE(engine_->find_stored_by_key("orders", "order-8", 10, 0, INT64_MAX).empty());
}

TEST_F(CoreEngineRecordsTest, SendBackRetriesWithBackOffThenDeadLettersAfterMaxReconsumeTimes) {
    const auto receipts = append_all({record("poison", "U9")});
    ASSERT_EQ(receipts.size(), 1u);
    const auto retry = retry_topic_name("billing");

    // The id the client knows (its originMsgId) names the origin of a first copy.
    engine::send_back_request back{"billing", receipts[0].physical_offset, 0, 2, "client-id"};
    ASSERT_FALSE(send_back(back));
    const auto first = wait_record(retry, 0);
    ASSERT_TRUE(first) << "the scheduler moves the copy to the retry topic";
    EXPECT_EQ(first->reconsume_times, 1);
    EXPECT_EQ(store::as_chars(first->body), "poison");
    EXPECT_EQ(store::find_property(first->properties, "RETRY_TOPIC"), "orders");
    EXPECT_EQ(store::find_property(first->properties, "ORIGIN_MESSAGE_ID"), "client-id");

    back.physical_offset = first->physical_offset;
    ASSERT_FALSE(send_back(back));
    const auto second = wait_record(retry, 1);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->reconsume_times, 2);

    back.physical_offset = second->physical_offset;
    ASSERT_FALSE(send_back(back));
    const auto dead = wait_record(dlq_topic_name("billing"), 0);
    ASSERT_TRUE(dead) << "reconsumed twice already: dead letters";
    EXPECT_EQ(dead->reconsume_times, 3);
    EXPECT_EQ(store::find_property(dead->properties, "RETRY_TOPIC"), "orders");
    EXPECT_EQ(store::find_property(dead->properties, "ORIGIN_MESSAGE_ID"), "client-id")
        << "later copies keep the first origin";

    back.physical_offset = receipts[0].physical_offset;
    back.delay_level = -1;
    ASSERT_FALSE(send_back(back));
    EXPECT_TRUE(wait_record(dlq_topic_name("billing"), 1)) << "a negative level goes straight to dead letters";

    back.physical_offset = 1 << 20;
    EXPECT_EQ(send_back(back), make_error_code(core_errc::message_not_found));
}

TEST_F(CoreEngineRecordsTest, SendBackWithoutALimitUsesTheGroupsRetryMaxTimes) {
    engine::group_config settings;
    settings.group_name = "billing";
    settings.retry_max_times = 1;
    ASSERT_FALSE(engine_->group_configs().put_group_config(settings));
    const auto receipts = append_all({record("poison", "U9")});
    ASSERT_EQ(receipts.size(), 1u);

    // No limit in the request (-1): the group's retryMaxTimes, 1.
    engine::send_back_request back{"billing", receipts[0].physical_offset, 0, -1, {}};
    ASSERT_FALSE(send_back(back));
    const auto retried = wait_record(retry_topic_name("billing"), 0);
    ASSERT_TRUE(retried) << "not yet reconsumed: a retry";
    back.physical_offset = retried->physical_offset;
    ASSERT_FALSE(send_back(back));
    EXPECT_TRUE(wait_record(dlq_topic_name("billing"), 0)) << "reconsumed once, the group's limit: dead letters";

    // A limit in the request wins over the group's.
    back.physical_offset = retried->physical_offset;
    back.max_reconsume_times = 5;
    ASSERT_FALSE(send_back(back));
    EXPECT_TRUE(wait_record(retry_topic_name("billing"), 1));
}

} // namespace
} // namespace gantry::core
