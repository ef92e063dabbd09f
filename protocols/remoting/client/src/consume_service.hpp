#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "gantry/engine/asio.hpp"
#include "gantry/protocols/remoting/client/push_consumer.hpp"
#include "process_queue.hpp"

namespace gantry::protocols::remoting::client {

// Hands cached messages to the application's listener on a pool of consume
// threads (never the runtime's: listeners may block) and acts on the
// answer back on the runtime's executor: consumed messages leave their
// queue's cache; failed ones go back to the broker (clustering; Java's
// CONSUMER_SEND_MSG_BACK, a local retry after 5 s when that fails) or are
// dropped with a warning (broadcasting). In orderly mode one batch per
// queue is out at a time, in offset order; a suspended batch is consumed
// again after a pause and, past maxReconsumeTimes, sent to %DLQ%<group>.
// Everything but the listener call runs on the runtime's executor.
class consume_service : public std::enable_shared_from_this<consume_service> {
public:
    struct listeners {
        push_consumer::concurrent_listener concurrent;
        push_consumer::orderly_listener orderly;
    };
    // An orderly queue that was dropped while a batch was out is idle now (its lock may go).
    using released_handler = std::function<void(const std::shared_ptr<process_queue>&)>;

    consume_service(client_runtime& runtime, const push_consumer_options& options, listeners l,
                    released_handler released);
    ~consume_service();

    bool orderly() const noexcept { return static_cast<bool>(listeners_.orderly); }
    // New messages were cached in `queue` (or its lock was granted).
    void dispatch(const std::shared_ptr<process_queue>& queue);
    // No listener is called any more; `idle` runs (on the runtime's thread)
    // once none is running, or at once.
    void stop(std::function<void()> idle);
    // Joins the consume threads; called off the runtime's thread after stop().
    void join();

private:
    enum class outcome { success, failed, skipped };
    using batch = std::vector<received_message>;

    void submit(const std::shared_ptr<process_queue>& queue, batch messages);
    void consumed(const std::shared_ptr<process_queue>& queue, batch messages, outcome result);
    void concurrent_done(const std::shared_ptr<process_queue>& queue, batch messages, outcome result);
    void orderly_done(const std::shared_ptr<process_queue>& queue, batch messages, outcome result);
    void orderly_next(const std::shared_ptr<process_queue>& queue);
    // CONSUMER_SEND_MSG_BACK; `done(true)` once the broker stored the copy.
    void send_back(const message_queue& queue, const received_message& m, std::int32_t delay_level,
                   std::function<void(bool)> done);
    void after(std::chrono::milliseconds delay, std::function<void()> fn);
    void finished_one();

    client_runtime& runtime_;
    const push_consumer_options options_;
    const listeners listeners_;
    released_handler released_;
    asio::thread_pool pool_;
    std::atomic<bool> stopping_{false}; // read by the consume threads
    std::size_t running_ = 0;           // listener calls and send-backs out (runtime thread)
    std::function<void()> idle_;
};

} // namespace gantry::protocols::remoting::client
