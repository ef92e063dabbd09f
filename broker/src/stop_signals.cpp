#include "stop_signals.hpp"

#include <pthread.h>

namespace gantry::broker {

stop_signals::stop_signals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    // A shell starts background jobs with SIGINT ignored, and an ignored
    // signal is discarded instead of left pending for sigwait.
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
}

int stop_signals::wait() {
    int signal_number = 0;
    while (sigwait(&set_, &signal_number) != 0) {
    }
    return signal_number;
}

} // namespace gantry::broker
