#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "latency_histogram.hpp"

namespace gantry::tools {

// What `gantry bench` prints: a line per second (rate, throughput, latency
// percentiles, errors) and a summary. record() and error() may be called
// from any thread.
class bench_progress {
public:
    explicit bench_progress(std::string what);

    void record(std::uint64_t latency_us, std::size_t bytes);
    void error();
    // Prints the line for the second that ended, when one has.
    void tick();
    void summary();
    std::uint64_t total() const;

private:
    void print(const char* label, double seconds, std::uint64_t messages, std::uint64_t bytes,
               const latency_histogram& latencies, std::uint64_t errors) const;

    std::string what_;
    mutable std::mutex mutex_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point interval_start_;
    latency_histogram interval_, overall_;
    std::uint64_t interval_bytes_ = 0, total_bytes_ = 0;
    std::uint64_t interval_errors_ = 0, total_errors_ = 0;
};

} // namespace gantry::tools
