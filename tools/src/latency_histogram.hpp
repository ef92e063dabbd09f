#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace gantry::tools {

// Latencies in microseconds, in log-linear buckets (exact below 64 µs, then
// 32 buckets per power of two: at most ~3 % high), so percentiles of
// millions of samples cost a fixed 10 KiB.
class latency_histogram {
public:
    void record(std::uint64_t micros) noexcept;
    void merge(const latency_histogram& other) noexcept;
    void reset() noexcept { *this = latency_histogram{}; }

    std::uint64_t count() const noexcept { return count_; }
    // The smallest bucket bound at or below which `fraction` of the samples lie.
    std::uint64_t percentile(double fraction) const noexcept;
    std::uint64_t max() const noexcept { return max_; }

private:
    static constexpr std::size_t linear = 64;
    static constexpr std::size_t per_power = 32;
    static constexpr std::size_t buckets = linear + per_power * 40;

    static std::size_t index_of(std::uint64_t micros) noexcept;
    static std::uint64_t upper_bound_of(std::size_t index) noexcept;

    std::array<std::uint64_t, buckets> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t max_ = 0;
};

} // namespace gantry::tools
