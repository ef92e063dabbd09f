#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <proton/binary.hpp>
#include <proton/connection.hpp>
#include <proton/message.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/sender.hpp>

#include "flow_window.hpp"
#include "options.hpp"
#include "run_signals.hpp"

namespace proton {
class work_queue;
}

namespace amqp_load {

// The sending connection's handler. Every body is stamped with its send time
// (steady_clock ns in the first 8 bytes). Without a rate it sends whenever
// the broker gives credit, until stop_sending; with one, send_one() (from
// any thread) asks for one more message. Either way the flow window may
// hold it back until wake(). Proton objects are touched only on
// the container's thread; the counters are safe from any thread.
class load_sender final : public proton::messaging_handler {
public:
    load_sender(const options& o, run_signals& signals, flow_window& window);

    // Once the link is open and until close(); callable from any thread.
    void send_one();
    void wake(); // the flow window has room again
    void close();

    bool ready() const { return ready_.load(std::memory_order_acquire); }
    std::int64_t sent() const { return sent_.load(std::memory_order_acquire); }
    std::int64_t accepted() const { return accepted_.load(std::memory_order_acquire); }
    bool closed() const { return closed_.load(std::memory_order_acquire); }

    void on_connection_open(proton::connection& c) override;
    void on_sender_open(proton::sender& s) override;
    void on_sendable(proton::sender& s) override;
    void on_tracker_accept(proton::tracker& t) override;
    void on_tracker_reject(proton::tracker& t) override;
    void on_tracker_release(proton::tracker& t) override;
    void on_transport_close(proton::transport& t) override;
    void on_transport_error(proton::transport& t) override;
    void on_error(const proton::error_condition& e) override;

private:
    void send_while_allowed();
    void refuse(const std::string& what);

    const options& options_;
    run_signals& signals_;
    flow_window& window_;
    proton::connection connection_;
    proton::sender sender_;
    proton::work_queue* work_queue_ = nullptr;
    proton::message message_;
    proton::binary body_;
    std::int64_t owed_ = 0; // rate mode: asked for but not yet sent for lack of credit
    std::atomic<bool> ready_{false};
    std::atomic<bool> closed_{false};
    std::atomic<std::int64_t> sent_{0};
    std::atomic<std::int64_t> accepted_{0};
};

} // namespace amqp_load
