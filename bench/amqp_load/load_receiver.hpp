#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <utility>

#include <proton/connection.hpp>
#include <proton/messaging_handler.hpp>

#include "flow_window.hpp"
#include "options.hpp"
#include "run_signals.hpp"
#include "tools/src/latency_histogram.hpp"

namespace proton {
class work_queue;
}

namespace amqp_load {

// The receiving connection's handler: a credit window of --credit (refilled
// when half of it is used), accepting
// each message (at-least-once) or asking the broker to send them settled
// (at-most-once). Counts deliveries and records, for messages sent after the
// warm-up, the latency from the stamp in the body. Proton objects are touched
// only on the container's thread; the counters are safe from any thread.
class load_receiver final : public proton::messaging_handler {
public:
    // `wake_sender` runs on the receiver's thread when the flow window has room again.
    load_receiver(const options& o, run_signals& signals, flow_window& window, std::function<void()> wake_sender)
        : options_(o), signals_(signals), window_(window), wake_sender_(std::move(wake_sender)) {}

    void close(); // from any thread

    bool ready() const { return ready_.load(std::memory_order_acquire); }
    bool closed() const { return closed_.load(std::memory_order_acquire); }
    std::int64_t received() const { return received_.load(std::memory_order_acquire); }
    std::int64_t last_received_ns() const { return last_ns_.load(std::memory_order_acquire); }
    // Only once the container's thread is done.
    const gantry::tools::latency_histogram& latencies() const { return latencies_; }

    void on_connection_open(proton::connection& c) override;
    void on_receiver_open(proton::receiver& r) override;
    void on_message(proton::delivery& d, proton::message& m) override;
    void on_transport_close(proton::transport& t) override;
    void on_transport_error(proton::transport& t) override;
    void on_error(const proton::error_condition& e) override;

private:
    const options& options_;
    run_signals& signals_;
    flow_window& window_;
    std::function<void()> wake_sender_;
    proton::connection connection_;
    proton::work_queue* work_queue_ = nullptr;
    gantry::tools::latency_histogram latencies_;
    std::atomic<bool> ready_{false};
    std::atomic<bool> closed_{false};
    std::atomic<std::int64_t> received_{0};
    std::atomic<std::int64_t> last_ns_{0};
};

} // namespace amqp_load
