#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace gantry::tools {

std::size_t latency_histogram::index_of(std::uint64_t micros) noexcept {
    if (micros < linear) return static_cast<std::size_t>(micros);
    const auto shift = static_cast<std::size_t>(std::bit_width(micros)) - 6; // ≥ 1
    const auto index = linear + (shift - 1) * per_power + static_cast<std::size_t>((micros >> shift) - per_power);
    return std::min(index, buckets - 1);
}

std::uint64_t latency_histogram::upper_bound_of(std::size_t index) noexcept {
    if (index < linear) return index;
    const auto shift = (index - linear) / per_power + 1;
    const auto sub = (index - linear) % per_power + per_power;
    return ((sub + 1) << shift) - 1;
}

void latency_histogram::record(std::uint64_t micros) noexcept {
    ++counts_[index_of(micros)];
    ++count_;
    max_ = std::max(max_, micros);
}

void latency_histogram::merge(const latency_histogram& other) noexcept {
    for (std::size_t i = 0; i < buckets; ++i) counts_[i] += other.counts_[i];
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
}

std::uint64_t latency_histogram::percentile(double fraction) const noexcept {
    if (count_ == 0) return 0;
    const auto wanted = static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_)));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets; ++i) {
        seen += counts_[i];
        if (seen >= std::max<std::uint64_t>(wanted, 1)) return std::min(upper_bound_of(i), max_);
    }
    return max_;
}

} // namespace gantry::tools
