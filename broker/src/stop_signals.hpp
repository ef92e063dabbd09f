#pragma once

#include <csignal>

namespace gantry::broker {

// SIGINT and SIGTERM, taken synchronously. Constructed first thing in main,
// before any thread exists, so every thread inherits the blocked mask and
// the signals reach only wait(): no handler runs inside a store thread.
class stop_signals {
public:
    stop_signals();
    stop_signals(const stop_signals&) = delete;
    stop_signals& operator=(const stop_signals&) = delete;

    // Blocks until SIGINT or SIGTERM arrives; returns its number.
    int wait();

private:
    sigset_t set_{};
};

} // namespace gantry::broker
