#pragma once

#include <csignal>

namespace gantry::broker {

// SIGINT and SIGTERM (stop) and SIGHUP (reload the password, ACL and TLS files),
// taken synchronously. Constructed first thing in main, before any thread
// exists, so every thread inherits the blocked mask and the signals reach
// only wait(): no handler runs inside a store thread.
class process_signals {
public:
    process_signals();
    process_signals(const process_signals&) = delete;
    process_signals& operator=(const process_signals&) = delete;

    // Blocks until one of the signals arrives; returns its number.
    int wait();

private:
    sigset_t set_{};
};

} // namespace gantry::broker
