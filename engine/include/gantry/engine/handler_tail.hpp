#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "gantry/engine/asio.hpp"

namespace gantry::engine {

// Work an io handler leaves to run as it returns, before its thread's
// reactor takes another turn. A connection's read handler opens one; the
// engine, waking a subscription that lives on that same executor, gives it
// the pump instead of posting it, so the delivery of a message just appended
// leaves before the next epoll_wait and the handlers queued meanwhile (the
// publisher's acknowledgement). At 5,000 msg/s that took 4–7 µs off the
// broker's part of MQTT's latency (docs/benchmarks.md, session 33). A pump
// posted from another thread opens one too, and a TCP write the socket took
// at once completes in it: no reactor turn per write (session 38).
//
// Work runs when the scope closes: never inside the call that handed it
// over, so no session is re-entered mid-consume. Outside a scope, or for
// another executor, run_or_post posts as before.
class handler_tail {
public:
    explicit handler_tail(asio::any_io_executor executor)
        : executor_(std::move(executor)), outer_(current_), begin_(pending().size()) {
        current_ = this;
    }
    ~handler_tail() {
        // Index, not iterator: work may hand over more work.
        for (std::size_t i = begin_; i < pending().size(); ++i) {
            auto work = std::move(pending()[i]);
            work();
        }
        pending().resize(begin_);
        current_ = outer_;
    }
    handler_tail(const handler_tail&) = delete;
    handler_tail& operator=(const handler_tail&) = delete;

    // Runs `work` when the innermost scope open on this thread closes if
    // that scope's executor is `executor`; posts it to `executor` otherwise.
    template <typename Work>
    static void run_or_post(const asio::any_io_executor& executor, Work work) {
        if (current_ && current_->executor_ == executor) pending().emplace_back(std::move(work));
        else asio::post(executor, std::move(work));
    }

private:
    // One list per thread, reused: scopes nest, each owns its tail of it.
    static std::vector<std::function<void()>>& pending() {
        thread_local std::vector<std::function<void()>> list;
        return list;
    }

    asio::any_io_executor executor_;
    handler_tail* outer_;
    std::size_t begin_;
    static inline thread_local handler_tail* current_ = nullptr;
};

} // namespace gantry::engine
