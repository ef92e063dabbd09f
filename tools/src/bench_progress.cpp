#include "bench_progress.hpp"

#include <fmt/format.h>

namespace gantry::tools {

bench_progress::bench_progress(std::string what)
    : what_(std::move(what)), start_(std::chrono::steady_clock::now()), interval_start_(start_) {}

void bench_progress::record(std::uint64_t latency_us, std::size_t bytes) {
    std::lock_guard lock(mutex_);
    interval_.record(latency_us);
    interval_bytes_ += bytes;
}

void bench_progress::error() {
    std::lock_guard lock(mutex_);
    ++interval_errors_;
}

std::uint64_t bench_progress::total() const {
    std::lock_guard lock(mutex_);
    return overall_.count() + interval_.count();
}

void bench_progress::tick() {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    if (now - interval_start_ < std::chrono::seconds(1)) return;
    const double seconds = std::chrono::duration<double>(now - interval_start_).count();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    print(fmt::format("[{:4.0f}s]", elapsed).c_str(), seconds, interval_.count(), interval_bytes_, interval_,
          interval_errors_);
    overall_.merge(interval_);
    total_bytes_ += interval_bytes_;
    total_errors_ += interval_errors_;
    interval_.reset();
    interval_bytes_ = interval_errors_ = 0;
    interval_start_ = now;
}

void bench_progress::summary() {
    std::lock_guard lock(mutex_);
    overall_.merge(interval_);
    total_bytes_ += interval_bytes_;
    total_errors_ += interval_errors_;
    interval_.reset();
    interval_bytes_ = interval_errors_ = 0;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    print("summary", seconds, overall_.count(), total_bytes_, overall_, total_errors_);
}

void bench_progress::print(const char* label, double seconds, std::uint64_t messages, std::uint64_t bytes,
                           const latency_histogram& latencies, std::uint64_t errors) const {
    fmt::print("{} {} {:>9.0f} msg/s {:>8.1f} MiB/s  p50 {:>8.3f} ms  p99 {:>8.3f} ms  max {:>8.3f} ms  "
               "messages {}  errors {}\n",
               label, what_, static_cast<double>(messages) / seconds,
               static_cast<double>(bytes) / seconds / (1024.0 * 1024.0),
               static_cast<double>(latencies.percentile(0.50)) / 1000.0,
               static_cast<double>(latencies.percentile(0.99)) / 1000.0,
               static_cast<double>(latencies.max()) / 1000.0, messages, errors);
    std::fflush(stdout);
}

} // namespace gantry::tools
