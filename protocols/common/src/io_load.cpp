#include "gantry/protocols/common/io_load.hpp"

#include <pthread.h>

#include <algorithm>

namespace gantry::protocols::common {

namespace {

std::optional<std::chrono::nanoseconds> cpu_time(clockid_t clock) {
    timespec ts{};
    if (clock_gettime(clock, &ts) != 0) return std::nullopt;
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

} // namespace

io_load::io_load(asio::execution_context& context) : asio::execution_context::service(context) {}

io_load* io_load::of(const asio::any_io_executor& executor) {
    auto* io = io_context_of(executor);
    return io ? &asio::use_service<io_load>(*io) : nullptr;
}

void io_load::measure(pthread_t thread) {
    clockid_t clock{};
    if (pthread_getcpuclockid(thread, &clock) != 0) return;
    std::lock_guard lock(mutex_);
    clock_ = clock;
    last_.reset();
    sampled_at_ = {};
}

std::optional<double> io_load::busy_fraction(std::chrono::steady_clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (!clock_) return std::nullopt;
    const auto since = now - sampled_at_;
    if (since < fresh && last_) return last_;
    if (since < shortest) return std::nullopt;
    const auto cpu = cpu_time(*clock_);
    if (!cpu) return std::nullopt;
    last_.reset();
    if (since <= stale) {
        const auto busy = std::chrono::duration<double>(*cpu - cpu_at_sample_) / std::chrono::duration<double>(since);
        last_ = std::min(1.0, std::max(0.0, busy));
    }
    sampled_at_ = now;
    cpu_at_sample_ = *cpu;
    return last_;
}

} // namespace gantry::protocols::common
