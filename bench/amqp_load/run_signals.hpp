#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace amqp_load {

// What the proton threads and the thread that times the run share: the first
// failure, and the flags that end sending and mark the close as ours.
class run_signals {
public:
    // Keeps the first failure: later ones are usually its consequences.
    void fail(const std::string& what) {
        std::lock_guard lock(mutex_);
        if (failure_.empty()) failure_ = what;
        failed_.store(true, std::memory_order_release);
    }
    bool failed() const { return failed_.load(std::memory_order_acquire); }
    std::string failure() const {
        std::lock_guard lock(mutex_);
        return failure_;
    }

    std::atomic<bool> stop_sending{false};
    std::atomic<bool> closing{false}; // errors after our own close are not the broker's
    // steady_clock ns from which deliveries count in the latencies (after the warm-up).
    std::atomic<std::int64_t> measure_from_ns{INT64_MAX};

private:
    mutable std::mutex mutex_;
    std::string failure_;
    std::atomic<bool> failed_{false};
};

// steady_clock nanoseconds, the stamp carried by every body.
inline std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace amqp_load
