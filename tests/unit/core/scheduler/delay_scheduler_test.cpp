#include "gantry/core/delay_scheduler.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../../store/store_test_support.hpp"
#include "gantry/store/message_properties.hpp"

namespace gantry::core {
namespace {

using namespace std::chrono_literals;
using store::testing::temp_dir;

constexpr std::string_view real_topic = "orders";
constexpr std::int32_t real_queue = 1;

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string props(std::initializer_list<std::pair<std::string_view, std::string_view>> items) {
    std::string out;
    for (const auto& [name, value] : items) store::append_property(out, name, value);
    return out;
}

// A decoded record with the bytes it points into.
struct stored {
    store::record_ref ref;
    store::decoded_record record;
    std::string property(std::string_view name) const {
        const auto v = store::find_property(record.properties, name);
        return v ? std::string(*v) : std::string("<absent>");
    }
    std::string body() const { return std::string(store::as_chars(record.body)); }
};

class delay_scheduler_test : public ::testing::Test {
protected:
    void TearDown() override { close(); }

    void open(const std::function<void(store::store_config&)>& adjust = {}) {
        auto config = store::testing::small_config(dir_.path());
        config.delay_levels = {100ms, 300ms, 1000ms};
        if (adjust) adjust(config);
        store_ = std::make_unique<store::message_store>(config);
        delay_scheduler::options opts;
        opts.offset_file = offset_file();
        scheduler_ = std::make_unique<delay_scheduler>(*store_, opts);
        store_->set_arrival_listener([s = scheduler_.get()](std::string_view topic, std::int32_t queue,
                                                            std::int64_t max) { s->on_arrival(topic, queue, max); });
        ASSERT_FALSE(store_->start());
        ASSERT_FALSE(scheduler_->start());
    }

    void close() {
        if (scheduler_) scheduler_->stop();
        if (store_) store_->shutdown();
        scheduler_.reset();
        store_.reset();
    }

    std::filesystem::path offset_file() const { return delay_scheduler::offset_file_in(dir_.path()); }

    store::append_result schedule(std::string body, int level, std::string properties = {}) {
        bodies_.push_back(std::move(body));
        properties_.push_back(std::move(properties));
        store::message_to_store msg;
        msg.topic = real_topic;
        msg.queue_id = real_queue;
        msg.flag = 7;
        msg.body = store::as_bytes(bodies_.back());
        msg.properties = properties_.back();
        msg.born_timestamp = 1'700'000'000'123;
        msg.born_host = store::socket_address::ipv4(10, 1, 2, 3, 40000);
        msg.reconsume_times = 2;
        auto put = scheduler_->schedule(msg, level);
        EXPECT_TRUE(put) << put.error().message();
        return put ? *put : store::append_result{};
    }

    std::vector<stored> read(std::string_view topic, std::int32_t queue) const {
        store::get_request request;
        request.topic = topic;
        request.queue_id = queue;
        request.max_messages = 64;
        std::vector<stored> out;
        for (auto& ref : store_->get_messages(request).messages) {
            auto record = store::decode_record(ref.bytes);
            out.push_back({std::move(ref), *record});
        }
        return out;
    }

    // Polls the real queue until it holds `count` records or `limit` passes.
    std::vector<stored> wait_delivered(std::size_t count, std::chrono::milliseconds limit = 2000ms) const {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        auto got = read(real_topic, real_queue);
        while (got.size() < count && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(5ms);
            got = read(real_topic, real_queue);
        }
        return got;
    }

    nlohmann::json offsets_on_disk() const {
        std::ifstream in(offset_file());
        return nlohmann::json::parse(in, nullptr, false);
    }

    temp_dir dir_;
    std::unique_ptr<store::message_store> store_;
    std::unique_ptr<delay_scheduler> scheduler_;
    std::vector<std::string> bodies_;
    std::vector<std::string> properties_;
};

TEST_F(delay_scheduler_test, delivers_no_earlier_than_its_time_and_within_a_second) {
    open();
    const auto put = schedule("late", 2); // 300 ms
    const auto due = put.store_timestamp + 300;
    while (now_ms() < due - 20) {
        ASSERT_TRUE(read(real_topic, real_queue).empty()) << "delivered " << due - now_ms() << " ms early";
        std::this_thread::sleep_for(10ms);
    }
    const auto got = wait_delivered(1);
    ASSERT_EQ(got.size(), 1u);
    const auto seen = now_ms();
    EXPECT_GE(got[0].record.store_timestamp, due);
    EXPECT_LT(got[0].record.store_timestamp - due, 1000);
    EXPECT_LT(seen - due, 1000);
}

TEST_F(delay_scheduler_test, schedule_record_names_its_destination_and_level) {
    open();
    schedule("x", 2, props({{"DELAY", "3"}, {"REAL_TOPIC", "stale"}, {"color", "blue"}}));
    ASSERT_TRUE(store::testing::wait_dispatched(*store_));
    const auto waiting = read(store::schedule_topic, 1);
    ASSERT_EQ(waiting.size(), 1u);
    EXPECT_EQ(waiting[0].property("DELAY"), "2");
    EXPECT_EQ(waiting[0].property("REAL_TOPIC"), real_topic);
    EXPECT_EQ(waiting[0].property("REAL_QID"), std::to_string(real_queue));
    EXPECT_EQ(waiting[0].property("color"), "blue");
}

TEST_F(delay_scheduler_test, delivered_record_keeps_body_flags_born_info_and_properties_but_not_delay) {
    open();
    const std::string body("bin\0ary\x01\x02", 9);
    schedule(body, 1, props({{"TAGS", "tagA"}, {"KEYS", "k1 k2"}, {"UNIQ_KEY", "U1"}, {"color", "blue"}}));
    const auto got = wait_delivered(1);
    ASSERT_EQ(got.size(), 1u);
    const auto& r = got[0];
    EXPECT_EQ(r.record.topic, real_topic);
    EXPECT_EQ(r.record.queue_id, real_queue);
    EXPECT_EQ(r.body(), body);
    EXPECT_EQ(r.record.flag, 7);
    EXPECT_EQ(r.record.reconsume_times, 2);
    EXPECT_EQ(r.record.born_timestamp, 1'700'000'000'123);
    EXPECT_EQ(r.record.born_host, store::socket_address::ipv4(10, 1, 2, 3, 40000));
    EXPECT_EQ(r.property("DELAY"), "<absent>");
    EXPECT_EQ(r.property("REAL_TOPIC"), real_topic);
    EXPECT_EQ(r.property("REAL_QID"), std::to_string(real_queue));
    EXPECT_EQ(r.property("TAGS"), "tagA");
    EXPECT_EQ(r.property("KEYS"), "k1 k2");
    EXPECT_EQ(r.property("UNIQ_KEY"), "U1");
    EXPECT_EQ(r.property("color"), "blue");
}

TEST_F(delay_scheduler_test, delivers_each_level_in_order) {
    open();
    for (int i = 0; i < 20; ++i) schedule("m" + std::to_string(i), 1);
    const auto got = wait_delivered(20);
    ASSERT_EQ(got.size(), 20u);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)].body(), "m" + std::to_string(i));
}

TEST_F(delay_scheduler_test, clamps_levels_to_the_table) {
    open();
    EXPECT_EQ(scheduler_->clamp_level(99), 3);
    EXPECT_EQ(scheduler_->clamp_level(0), 1);
    schedule("far", 99);
    ASSERT_TRUE(store::testing::wait_dispatched(*store_));
    const auto waiting = read(store::schedule_topic, 2);
    ASSERT_EQ(waiting.size(), 1u);
    EXPECT_EQ(waiting[0].property("DELAY"), "3");
}

TEST_F(delay_scheduler_test, a_delivery_time_waits_first_in_the_longest_level_within_it) {
    open(); // levels 100 ms, 300 ms, 1000 ms
    EXPECT_EQ(scheduler_->level_for(50), 1);   // shorter than every level: the shortest
    EXPECT_EQ(scheduler_->level_for(100), 1);
    EXPECT_EQ(scheduler_->level_for(299), 1);
    EXPECT_EQ(scheduler_->level_for(300), 2);
    EXPECT_EQ(scheduler_->level_for(999), 2);
    EXPECT_EQ(scheduler_->level_for(86'400'000), 3); // longer than every level: the longest, again and again
}

TEST_F(delay_scheduler_test, a_message_with_a_delivery_time_goes_round_the_levels_until_it_is_due_never_early) {
    open();
    const auto due = now_ms() + 1'450; // 1000 ms, then 300 ms, then 100 ms at least twice
    schedule("timed", scheduler_->level_for(1'450), props({{"TIMER_DELIVER_MS", std::to_string(due)}}));
    while (now_ms() < due - 20) {
        ASSERT_TRUE(read(real_topic, real_queue).empty()) << "delivered " << due - now_ms() << " ms early";
        std::this_thread::sleep_for(10ms);
    }
    const auto got = wait_delivered(1, 3000ms);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_GE(got[0].record.store_timestamp, due);
    EXPECT_LT(got[0].record.store_timestamp - due, 1000) << "late by at most the shortest level and a pass";
    EXPECT_EQ(got[0].body(), "timed");
    EXPECT_EQ(got[0].property("DELAY"), "<absent>");
}

TEST_F(delay_scheduler_test, delivers_after_a_restart) {
    open();
    const auto put = schedule("survivor", 2); // 300 ms
    close();
    std::this_thread::sleep_for(400ms); // due while nothing runs

    open();
    const auto reopened = now_ms();
    const auto got = wait_delivered(1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].body(), "survivor");
    EXPECT_GE(got[0].record.store_timestamp, put.store_timestamp + 300);
    EXPECT_LT(got[0].record.store_timestamp - reopened, 1000);
    close();

    // The offset went to disk with the delivery: no second copy.
    open();
    EXPECT_EQ(scheduler_->offset(2), 1);
    std::this_thread::sleep_for(150ms);
    EXPECT_EQ(read(real_topic, real_queue).size(), 1u);
}

TEST_F(delay_scheduler_test, retries_a_refused_delivery_instead_of_skipping_it) {
    open();
    schedule("patient", 1);
    close();

    open([](store::store_config& c) { c.disk_space_warning_level_ratio = 0; }); // every append: "disk full"
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(read(real_topic, real_queue).empty());
    EXPECT_EQ(scheduler_->offset(1), 0);
    close();

    open();
    const auto got = wait_delivered(1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].body(), "patient");
}

TEST_F(delay_scheduler_test, keeps_offsets_in_rocketmq_shape) {
    open();
    schedule("a", 1);
    schedule("b", 1);
    ASSERT_EQ(wait_delivered(2).size(), 2u);
    close();

    const auto doc = offsets_on_disk();
    ASSERT_FALSE(doc.is_discarded());
    EXPECT_EQ(doc, nlohmann::json::parse(R"({"offsetTable":{"1":2,"2":0,"3":0}})"));
}

TEST_F(delay_scheduler_test, writes_offsets_after_group_commit_under_sync_flush) {
    open([](store::store_config& c) { c.flush_type = store::flush_disk_type::sync_flush; });
    schedule("a", 1);
    ASSERT_EQ(wait_delivered(1).size(), 1u);
    close();
    EXPECT_EQ(offsets_on_disk()["offsetTable"]["1"], 1);
}

TEST_F(delay_scheduler_test, keeps_offsets_of_levels_beyond_the_table) {
    std::filesystem::create_directories(offset_file().parent_path());
    std::ofstream(offset_file()) << R"({"offsetTable":{"1":0,"7":5}})";
    open();
    close();
    EXPECT_EQ(offsets_on_disk()["offsetTable"]["7"], 5);
}

TEST_F(delay_scheduler_test, refuses_to_start_on_an_unreadable_offset_file) {
    std::filesystem::create_directories(offset_file().parent_path());
    std::ofstream(offset_file()) << R"({"offsetTable":{"one":1}})";
    auto config = store::testing::small_config(dir_.path());
    store_ = std::make_unique<store::message_store>(config);
    ASSERT_FALSE(store_->start());
    delay_scheduler::options opts;
    opts.offset_file = offset_file();
    scheduler_ = std::make_unique<delay_scheduler>(*store_, opts);
    EXPECT_TRUE(scheduler_->start());
}

} // namespace
} // namespace gantry::core
