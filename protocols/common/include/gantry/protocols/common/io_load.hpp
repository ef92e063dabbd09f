#pragma once

#include <pthread.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <optional>

#include "gantry/protocols/common/asio_net.hpp"

namespace gantry::protocols::common {

// How busy the one thread that runs an io_context is: the share of wall
// time it spent on a CPU (user and system) since it was last asked, from
// the thread's own CPU clock. For decisions that should not pile work on a
// thread that has little to spare (publisher_placement). Any thread may ask.
//
// One per io_context (asio::use_service); io_pool names the thread.
// Nothing for an io_context no io_pool runs.
class io_load final : public asio::execution_context::service {
public:
    using key_type = io_load;
    static inline asio::execution_context::id id;

    explicit io_load(asio::execution_context& context);

    // Nothing when `executor` is not an io_context's or no thread was named.
    static io_load* of(const asio::any_io_executor& executor);

    // `thread` runs the io_context from now on (io_pool::start).
    void measure(pthread_t thread);

    // The share of time busy over the period before `now`, 0 to 1: the
    // answer given less than `fresh` ago, if any; else measured since the
    // last ask, if that was between `shortest` and `stale` ago. Nothing
    // otherwise (no thread; the period too short to tell; or too long ago,
    // when it would average over an unknown past): asked again after
    // `shortest`, it has an answer.
    std::optional<double> busy_fraction(std::chrono::steady_clock::time_point now);

    static constexpr auto shortest = std::chrono::milliseconds(20);
    static constexpr auto fresh = std::chrono::milliseconds(100);
    static constexpr auto stale = std::chrono::seconds(1);

private:
    void shutdown() override {}

    std::mutex mutex_;
    std::optional<clockid_t> clock_;                    // mutex_
    std::chrono::steady_clock::time_point sampled_at_;  // mutex_
    std::chrono::nanoseconds cpu_at_sample_{0};         // mutex_
    std::optional<double> last_;                        // mutex_
};

} // namespace gantry::protocols::common
