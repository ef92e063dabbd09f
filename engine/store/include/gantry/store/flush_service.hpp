#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "gantry/store/periodic_thread.hpp"
#include "gantry/store/store_config.hpp"

namespace gantry::store {

class commit_log;
class store_checkpoint;

// Called once an append is durable as configured (error: flush_timeout).
using durable_callback = std::function<void(std::error_code)>;

// Makes the commit log durable (specs §5.7). ASYNC_FLUSH: a periodic flush
// of at least flushCommitLogLeastPages dirty pages, everything every
// flushCommitLogThoroughInterval. SYNC_FLUSH: group commit — one thread
// flushes whatever is written whenever anyone waits, so every append that
// arrived during one fdatasync shares the next.
class flush_service {
public:
    flush_service(const store_config& config, commit_log& log, store_checkpoint& checkpoint);
    ~flush_service();

    void start();
    // Stops the thread and flushes everything; pending waiters complete.
    void stop();

    // Calls `done` once the log is durable up to `end_offset`: at once under
    // ASYNC_FLUSH, from the flush thread under SYNC_FLUSH (flush_timeout if
    // that takes longer than syncFlushTimeout).
    void when_durable(std::int64_t end_offset, durable_callback done);
    // Whether when_durable(end_offset, ...) would call back at once.
    bool durable_at_once(std::int64_t end_offset) const;

    // Flushes everything written so far on the calling thread.
    std::error_code flush_all();

private:
    struct waiter {
        std::int64_t end_offset;
        std::chrono::steady_clock::time_point deadline;
        durable_callback done;
    };

    void flush_periodically();
    void run_group_commit();
    std::error_code flush(int least_pages);
    // commitLogPageCacheBytes: drops what lies that far behind the flushed
    // offset, in steps, so the memory goes to new appends.
    void drop_written_back_cache();

    const store_config& config_;
    commit_log& log_;
    store_checkpoint& checkpoint_;
    periodic_thread async_flusher_;
    std::chrono::steady_clock::time_point last_thorough_flush_;
    std::int64_t cache_dropped_before_ = 0;

    std::mutex mutex_;
    std::condition_variable work_;
    std::vector<waiter> waiters_;
    bool stopping_ = true; // until start()
    std::thread group_commit_thread_;
};

} // namespace gantry::store
