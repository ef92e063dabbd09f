#include "process_signals.hpp"

#include <pthread.h>

#include <initializer_list>

namespace gantry::broker {

process_signals::process_signals() {
    sigemptyset(&set_);
    // A shell starts background jobs with SIGINT ignored, and an ignored
    // signal is discarded instead of left pending for sigwait.
    for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
        sigaddset(&set_, signal_number);
        std::signal(signal_number, SIG_DFL);
    }
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
}

int process_signals::wait() {
    int signal_number = 0;
    while (sigwait(&set_, &signal_number) != 0) {
    }
    return signal_number;
}

} // namespace gantry::broker
