#include "gantry/store/retention_service.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include "gantry/store/commit_log.hpp"
#include "gantry/store/consume_queue_store.hpp"
#include "gantry/store/dispatcher.hpp"
#include "gantry/store/index_builder.hpp"
#include "gantry/store/index_service.hpp"
#include "gantry/store/message_properties.hpp"
#include "gantry/store/message_store.hpp"
#include "gantry/store/store_error.hpp"
#include "store_test_support.hpp"

namespace gantry::store {
namespace {

using testing::small_config;
using testing::temp_dir;
using testing::test_message;
using clock = std::chrono::system_clock;

int local_hour(clock::time_point t) {
    const std::time_t tt = clock::to_time_t(t);
    std::tm tm{};
    ::localtime_r(&tt, &tm);
    return tm.tm_hour;
}

std::int64_t to_ms(clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// A commit log of several segments with its queue and index, wired the way
// the store wires them, and a disk-usage figure the test controls.
class RetentionTest : public ::testing::Test {
protected:
    void SetUp() override {
        config_.delete_when_hours = {(local_hour(now_) + 12) % 24}; // not now
        ASSERT_FALSE(log_.load());
        ASSERT_FALSE(queues_.load());
        ASSERT_FALSE(index_.load());
        for (int i = 0; i < 200; ++i) {
            std::string props;
            append_property(props, property::keys, "k" + std::to_string(i));
            ASSERT_TRUE(log_.append(test_message{"t", 0, std::string(1000, 'x'), props}.view()));
        }
        dispatcher_.catch_up(0, false);
        index_builder_.catch_up(0, log_.max_offset(), false);
        ASSERT_GE(segments(), 4u);
    }

    std::size_t segments() const { return log_.files().files().size(); }

    // Segments sealed before `age` look that old; the open one stays new.
    void age_sealed_segments(std::chrono::hours age) {
        for (const auto& f : log_.files().files())
            if (f->is_full()) f->set_last_modified_ms(to_ms(now_ - age));
    }

    retention_service make_service() {
        return retention_service(config_, log_, queues_, &index_, [this](const std::filesystem::path&) {
            // Each removed segment frees 4 points of disk.
            return usage_ - 4.0 * static_cast<double>(initial_segments_ - segments());
        });
    }

    temp_dir dir_;
    store_config config_ = small_config(dir_.path());
    commit_log log_{config_};
    consume_queue_store queues_{config_};
    index_service index_{config_};
    index_builder index_builder_{log_, index_};
    dispatcher dispatcher_{log_, queues_, &index_builder_};
    clock::time_point now_ = clock::now();
    double usage_ = 50;
    std::size_t initial_segments_ = 0;
};

TEST_F(RetentionTest, ExpiredSegmentsGoAtTheDeleteHourWithTheirQueueEntries) {
    initial_segments_ = segments();
    age_sealed_segments(std::chrono::hours(73));
    auto service = make_service();
    EXPECT_EQ(service.run_once(now_), 0) << "not the delete hour, disk fine: nothing goes";

    config_.delete_when_hours = {local_hour(now_)};
    const std::size_t before = segments();
    EXPECT_EQ(service.run_once(now_), static_cast<int>(before - 1));
    EXPECT_EQ(segments(), 1u) << "the segment being written is never deleted";
    const std::int64_t min = log_.min_offset();
    auto cq = queues_.find("t", 0);
    ASSERT_TRUE(cq);
    auto first = cq->get(cq->min_offset());
    ASSERT_TRUE(first);
    EXPECT_GE(first->physical_offset, min) << "the queue starts at the first record still in the log";
    if (cq->min_offset() > 0) {
        auto below = cq->get(cq->min_offset() - 1);
        EXPECT_FALSE(below && below->physical_offset >= min);
    }
    EXPECT_EQ(index_.query("t", "k199", 4, 0, INT64_MAX).size(), 1u) << "live records stay indexed";
}

TEST_F(RetentionTest, KeepsSegmentsYoungerThanFileReservedTime) {
    initial_segments_ = segments();
    age_sealed_segments(std::chrono::hours(71));
    config_.delete_when_hours = {local_hour(now_)};
    auto service = make_service();
    EXPECT_EQ(service.run_once(now_), 0);
}

TEST_F(RetentionTest, AboveDiskMaxUsedSpaceRatioExpiredSegmentsGoAtOnce) {
    initial_segments_ = segments();
    age_sealed_segments(std::chrono::hours(73));
    usage_ = 80;
    auto service = make_service();
    EXPECT_GT(service.run_once(now_), 0);
    EXPECT_EQ(segments(), 1u);
}

TEST_F(RetentionTest, AboveTheForciblyRatioOldestSegmentsGoWhateverTheirAge) {
    initial_segments_ = segments();
    usage_ = 86; // four points freed per segment: three must go to reach 75 %
    auto service = make_service();
    EXPECT_EQ(service.run_once(now_), 3);
    EXPECT_EQ(segments(), initial_segments_ - 3);
    EXPECT_EQ(log_.min_offset(), 3 * config_.commit_log_file_size);
    EXPECT_FALSE(service.disk_full());
}

TEST_F(RetentionTest, AboveTheWarningRatioAppendsAreRefused) {
    initial_segments_ = segments();
    usage_ = 200; // cannot be freed
    auto service = make_service();
    service.run_once(now_);
    EXPECT_TRUE(service.disk_full());
    usage_ = 10;
    service.run_once(now_);
    EXPECT_FALSE(service.disk_full());
}

TEST(StoreDiskFull, PutFailsWithAClearErrorAndNothingIsWritten) {
    temp_dir dir;
    auto config = small_config(dir.path());
    config.disk_space_warning_level_ratio = 0; // any disk is "full"
    message_store store(config);
    ASSERT_FALSE(store.start());
    EXPECT_FALSE(store.writable());
    auto r = store.put(test_message{"t", 0, "x", ""}.view());
    EXPECT_EQ(r.error(), make_error_code(store_errc::disk_full));
    EXPECT_EQ(store.commit_log_max_offset(), 0);
}

} // namespace
} // namespace gantry::store
