#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace gantry::store {

class commit_log;
class index_service;

// Indexes the commit log's records by key on a thread of its own, behind the
// dispatcher, as RocketMQ's reput service does: an index put writes a hash
// slot at a random place in a 20 MB table, and the page faults that costs
// stay off the thread that appended and must wake the message's readers
// (docs/decisions/0014).
//
// While records keep coming it indexes what was dispatched every
// `interval`, waking nobody and woken by nobody; after `idle_rounds_to_park`
// rounds without any it parks until the dispatcher tells it of more.
class index_builder {
public:
    struct pacing {
        // How far the index may lag the queues while records flow.
        std::chrono::milliseconds interval;
        int idle_rounds_to_park;
    };
    static constexpr pacing default_pacing{std::chrono::milliseconds(10), 100};

    index_builder(const commit_log& log, index_service& index, pacing p = default_pacing);
    ~index_builder();
    index_builder(const index_builder&) = delete;
    index_builder& operator=(const index_builder&) = delete;

    // Recovery, before start(): indexes the records in [from, to) on the
    // calling thread; with verify_crc, one whose body fails its CRC is
    // skipped (the dispatcher logs it).
    void catch_up(std::int64_t from, std::int64_t to, bool verify_crc);

    void start();
    // Indexes what was dispatched before it was called, then joins.
    void stop();

    // The dispatcher: every record below `end` is dispatched. Wakes the
    // thread if it is parked; otherwise costs a fence and two atomics.
    void dispatched(std::int64_t end) noexcept;

    // Every record below this offset is in the index.
    std::int64_t indexed_offset() const noexcept { return indexed_.load(std::memory_order_acquire); }
    // Parked: nothing came for a while, and the thread sleeps until it does.
    bool parked() const noexcept { return parked_.load(std::memory_order_acquire); }
    // Store time of the last indexed record.
    std::int64_t last_store_timestamp() const noexcept { return last_timestamp_.load(std::memory_order_acquire); }

    // Waits until every record dispatched so far is indexed, at most `limit`
    // (a query by key sees what was appended before it). False on timeout.
    bool wait_indexed(std::chrono::milliseconds limit);

private:
    void run();
    // Indexes the records from indexed_ up to `end`; false if there were none.
    bool index_up_to(std::int64_t end, bool verify_crc);

    const commit_log& log_;
    index_service& index_;
    const pacing pacing_;
    std::atomic<std::int64_t> dispatched_{0};
    std::atomic<std::int64_t> indexed_{0};
    std::atomic<std::int64_t> last_timestamp_{0};
    std::atomic<bool> parked_{false};
    std::mutex mutex_;
    std::condition_variable wake_;     // the thread: parked or napping
    std::condition_variable progress_; // wait_indexed callers
    int waiters_ = 0;                  // mutex_
    bool asked_ = false;               // mutex_: a waiter wants a round now
    bool running_ = false;             // mutex_: between start() and stop()
    std::thread thread_;
};

} // namespace gantry::store
