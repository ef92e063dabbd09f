#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gantry/protocols/common/asio_net.hpp"

namespace gantry::protocols::common {

// The io threads: N io_contexts, each run by exactly one thread, so whatever
// lives on one context (a connection, its session) is only ever touched by
// that thread and needs no lock. New connections are spread round-robin.
class io_pool {
public:
    // `threads` = 0: one per hardware core. `name` prefixes thread names
    // ("io-0", "io-1", ...) as shown by top -H and gdb.
    explicit io_pool(std::size_t threads = 0, std::string name = "io");
    ~io_pool();
    io_pool(const io_pool&) = delete;
    io_pool& operator=(const io_pool&) = delete;

    // Starts the threads (again after a stop).
    void start();

    // Lets the contexts run out of work (listeners stopped, connections
    // closed), waiting up to `grace`; then stops what is still running and
    // joins. Idempotent; the destructor calls it.
    void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

    // The context for the next new connection (round-robin; any thread).
    asio::io_context& next() noexcept;
    asio::io_context& at(std::size_t index) noexcept { return *contexts_[index]; }
    std::size_t size() const noexcept { return contexts_.size(); }

private:
    using work_guard = asio::executor_work_guard<asio::io_context::executor_type>;

    void run(std::size_t index);

    std::string name_;
    std::vector<std::unique_ptr<asio::io_context>> contexts_;
    std::vector<std::optional<work_guard>> guards_;
    std::vector<std::thread> threads_;
    std::atomic<std::size_t> next_{0};
    std::mutex finished_mutex_;
    std::condition_variable finished_changed_;
    std::size_t finished_ = 0;
};

} // namespace gantry::protocols::common
