#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gantry/engine/result.hpp"
#include "gantry/store/topic_queue_map.hpp"

namespace gantry::store {

class commit_log;
struct decoded_record;
class consume_queue;
class consume_queue_store;
class index_builder;

// The properties the dispatcher reads from every record.
struct queued_properties;

// Turns new commit-log records into consume-queue entries ("reput", specs
// §5.2), tells the listener at once, and tells the index builder how far it
// got (the index is built behind it, on the builder's thread).
//
// The thread that appended a record dispatches it (dispatch_pending), so a
// subscriber is woken without a hand-off through a dispatching thread: one
// thread at a time dispatches, and records appended meanwhile by others are
// taken by it. A thread that has dispatched for others for a while hands
// the rest to the dispatcher's own thread and goes back to its work.
class dispatcher {
public:
    using listener = std::function<void(std::string_view topic, std::int32_t queue_id, std::int64_t max_offset)>;

    dispatcher(commit_log& log, consume_queue_store& queues, index_builder* index);
    ~dispatcher();

    void set_listener(listener l) { listener_ = std::move(l); }

    // Dispatches everything written from `from` on, on the calling thread
    // (recovery). With verify_crc, a record whose body fails its CRC is
    // skipped and logged. Returns the offset reached.
    std::int64_t catch_up(std::int64_t from, bool verify_crc);

    void start();
    void stop();

    // Called after every append: dispatches what is written, on the calling
    // thread, unless another thread is dispatching (it takes these records
    // too). Between start() and stop() only.
    void dispatch_pending();

    // Drops every consume queue of `topic` once the records before
    // `boundary` (commit_log::forget_topic) are dispatched into them, so a
    // later record of a topic made again starts a new queue. Done by the
    // dispatching thread between two records; waits at most `limit` for it
    // (false: not done yet, it happens when dispatch gets there).
    bool remove_topic(std::string topic, std::int64_t boundary, std::chrono::milliseconds limit);

    // Everything below this offset is in the queues.
    std::int64_t dispatched_offset() const noexcept { return dispatched_.load(std::memory_order_acquire); }
    // Store time of the last dispatched record.
    std::int64_t last_store_timestamp() const noexcept { return last_timestamp_.load(std::memory_order_acquire); }

private:
    // Runs on the thread that took the first request: dispatches until no
    // request is left, or hands on to run() after `passes` rounds (0: no limit).
    void dispatch_requests(int passes);
    // false when the thread is not there to take over.
    bool hand_off();
    void run();
    void dispatch_available(bool verify_crc);
    std::int64_t tag_code(const decoded_record& record, const queued_properties& props) const;
    // The queue for a record, from a cache only the dispatching thread uses;
    // valid until the cache is next changed (run_removals), without a
    // reference count to touch per record.
    result<consume_queue*> queue_for(std::string_view topic, std::int32_t queue_id);
    // Carries out the removals whose boundary is at or below `position`
    // (all of them when `all`); on the dispatching thread.
    void run_removals(std::int64_t position, bool all = false);

    struct removal {
        std::string topic;
        std::int64_t boundary;
        std::shared_ptr<std::promise<void>> done;
    };

    commit_log& log_;
    consume_queue_store& queues_;
    index_builder* index_;
    listener listener_;
    topic_queue_map<std::shared_ptr<consume_queue>> queue_cache_;
    std::atomic<std::int64_t> dispatched_{0};
    std::atomic<std::int64_t> last_timestamp_{0};
    // Appends asking for dispatch since the dispatching thread last looked;
    // the one that raises it from 0 dispatches.
    std::atomic<std::uint32_t> requests_{0};
    std::thread thread_;
    std::mutex thread_mutex_;
    std::condition_variable thread_wake_;
    bool thread_takes_over_ = false; // thread_mutex_: between start() and stop()
    bool handed_off_ = false;        // thread_mutex_
    std::mutex removals_mutex_;
    std::vector<removal> removals_;                  // removals_mutex_
    bool running_ = false;                           // removals_mutex_: appends are dispatched
    std::atomic<bool> removals_pending_{false};      // checked before every record
};

} // namespace gantry::store
