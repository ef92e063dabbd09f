#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "gantry/engine/result.hpp"
#include "gantry/store/message_store.hpp"

namespace gantry::core {

// RocketMQ 4.x delay levels (specs §6.1): a delayed message waits in
// SCHEDULE_TOPIC_XXXX, queue level - 1, and is written again to its real
// topic and queue once its delivery time has come. Retry back-off and
// delayed sends both go through here.
//
// Threading: schedule() and on_arrival() may be called from any thread;
// delivery and offset persistence run on one thread ("gantry-delay").
class delay_scheduler {
public:
    using clock = std::chrono::system_clock;

    struct options {
        // <storePathRootDir>/config/delayOffset.json: each level's next
        // schedule-queue offset, in RocketMQ's {"offsetTable":{...}} shape.
        std::filesystem::path offset_file;
        // messageDelayLevel: level n waits delay_levels[n - 1]. Empty: the
        // store's table, which is what fixes the delivery times at dispatch.
        std::vector<std::chrono::milliseconds> delay_levels;
        // Longest sleep between two looks at the queues; bounds how late a
        // message is when a wake-up is missed.
        std::chrono::milliseconds max_sleep{1000};
        // Pause before trying again after the store refused a delivery.
        std::chrono::milliseconds retry_after{1000};
        // How often advanced offsets are written while running
        // (flushDelayOffsetInterval); stop() always writes them.
        std::chrono::milliseconds persist_interval{10'000};
    };

    static std::filesystem::path offset_file_in(const std::filesystem::path& store_root_dir) {
        return store_root_dir / "config" / "delayOffset.json";
    }

    delay_scheduler(store::message_store& store, options opts);
    ~delay_scheduler();
    delay_scheduler(const delay_scheduler&) = delete;
    delay_scheduler& operator=(const delay_scheduler&) = delete;

    // Loads the offsets and starts the delivery thread. The store must be
    // started. Fails when delayOffset.json (and its backup) is unreadable.
    std::error_code start();
    // Stops the thread and writes the offsets. Idempotent. Call it before
    // the store shuts down: the thread reads the store until it stops.
    void stop();

    int level_count() const noexcept { return static_cast<int>(opts_.delay_levels.size()); }
    // Levels outside 1..level_count() are moved to the nearest end.
    int clamp_level(int level) const noexcept;
    // The level a message due in `delay_ms` waits in first: the longest not
    // longer than the delay, else the shortest. Delivery goes through levels
    // until TIMER_DELIVER_MS has come (deliver_record), so a message with a
    // delivery time is never early and late by less than the shortest level.
    int level_for(std::int64_t delay_ms) const noexcept;

    // Appends `msg` to the schedule queue of `level` (clamped), remembering
    // its destination in REAL_TOPIC / REAL_QID and the level in DELAY.
    // The caller waits for when_durable() as for any put.
    result<store::append_result> schedule(const store::message_to_store& msg, int level);

    // The engine's arrival fan-out calls this for every dispatched record;
    // records of the schedule topic wake the delivery thread.
    void on_arrival(std::string_view topic, std::int32_t queue_id, std::int64_t max_offset);

    // The next schedule-queue offset of `level` (0 for unknown levels).
    std::int64_t offset(int level) const;

private:
    // What one pass over a level found.
    struct level_pass {
        std::optional<clock::time_point> next_due; // the first entry not yet due
        bool blocked = false;                      // the store refused a delivery
    };

    void run();
    // Delivers every due entry of `level` in order.
    level_pass deliver_level(int level);
    // Writes the record at schedule-queue offset `queue_offset` to its real
    // destination; false when the store refused it and it must be retried.
    bool deliver_record(int level, std::int64_t queue_offset, const store::decoded_record& record);
    void set_offset(int level, std::int64_t offset);
    // Writes the offsets once the deliveries they count are durable.
    std::error_code persist();
    std::error_code wait_durable(std::int64_t end_offset);

    store::message_store& store_;
    const options opts_;
    std::thread thread_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;             // mutex_
    bool arrived_ = false;              // mutex_: new schedule-queue entries since the last pass
    std::map<int, std::int64_t> offsets_; // mutex_: level -> next offset, including unknown levels
    bool dirty_ = false;                // mutex_: offsets_ changed since the last write

    // Delivery thread only (and stop() once it has joined it).
    std::vector<bool> refused_;     // per level: the last delivery was refused (logged once)
    std::int64_t delivered_end_ = 0; // commit-log end of the last delivered record
    clock::time_point last_persist_{};
};

} // namespace gantry::core
