#pragma once

#include <atomic>
#include <cstddef>

namespace gantry::protocols::common {

// What one listener shares with every socket it admitted, whatever io thread
// the socket lives on: how many are still open, for maxConnections and
// live_connections(). The acceptor counts a socket in when it admits it; the
// socket's owner (a connection, an HTTP exchange not upgraded) counts it out
// once, when it ends. Also the listener's identity when it stops
// (open_connections::abort_admitted_by).
class admission {
public:
    void admitted() noexcept { live_.fetch_add(1, std::memory_order_relaxed); }
    void finished() noexcept { live_.fetch_sub(1, std::memory_order_relaxed); }
    std::size_t live() const noexcept { return live_.load(std::memory_order_relaxed); }

    // The listener stops: a connection that was moving between io threads
    // when each thread aborted its own closes once it arrives.
    void stop() noexcept { stopped_.store(true, std::memory_order_release); }
    bool stopped() const noexcept { return stopped_.load(std::memory_order_acquire); }

private:
    std::atomic<std::size_t> live_{0};
    std::atomic<bool> stopped_{false};
};

} // namespace gantry::protocols::common
