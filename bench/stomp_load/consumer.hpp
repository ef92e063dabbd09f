#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "stomp_client.hpp"
#include "tools/src/latency_histogram.hpp"

namespace stomp_load {

// One subscription with ack:auto, counting MESSAGE frames and their latency
// from the stamp the producer put in the body, on the thread that calls run().
class consumer {
public:
    explicit consumer(const connection_options& options);

    void connect() { client_.connect(); }
    // SUBSCRIBE with a receipt; returns once the broker confirmed it.
    void subscribe(const std::string& destination, int prefetch);
    void disconnect() { client_.disconnect(); }

    // Latencies count only for messages stamped at or after `ns` (after the
    // warm-up); set before run().
    void measure_from(std::int64_t ns) noexcept { measure_from_ns_ = ns; }
    // Receives until `stop` is set.
    void run(const std::atomic<bool>& stop);

    // Safe from any thread while run() goes on.
    std::int64_t received() const noexcept { return received_.load(std::memory_order_relaxed); }
    // Only once run() returned.
    const gantry::tools::latency_histogram& latencies() const noexcept { return latencies_; }

private:
    void on_message(const stomp::stomp_frame& frame);

    stomp_client client_;
    std::int64_t measure_from_ns_ = 0;
    std::atomic<std::int64_t> received_{0};
    gantry::tools::latency_histogram latencies_;
};

} // namespace stomp_load
