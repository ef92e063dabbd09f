#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <thread>

namespace gantry_bench {

// A thread whose failure reaches the thread that joins it, and shows in
// failed() at once, so the run stops early instead of measuring nothing.
// Destroying a worker sets its stop flag first: an error elsewhere cannot
// leave the destructor waiting on a loop that would never end.
class worker {
public:
    worker(std::atomic<bool>& stop, std::function<void()> job)
        : stop_(stop), thread_([this, job = std::move(job)] {
              try {
                  job();
              } catch (...) {
                  error_ = std::current_exception();
                  failed_ = true;
              }
          }) {}
    ~worker() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    worker(const worker&) = delete;
    worker& operator=(const worker&) = delete;

    bool failed() const noexcept { return failed_; }

    // Waits for the job and rethrows what it threw.
    void join() {
        if (thread_.joinable()) thread_.join();
        if (error_) std::rethrow_exception(error_);
    }

private:
    std::atomic<bool>& stop_;
    std::exception_ptr error_;
    std::atomic<bool> failed_{false};
    std::thread thread_;
};

} // namespace gantry_bench
