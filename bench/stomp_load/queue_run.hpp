#pragma once

#include "options.hpp"

namespace stomp_load {

// One producer and one consumer on a queue: warm-up, then the measured
// time, then a drain; prints the summary line (received rate over the
// measured time, undelivered messages, latency percentiles).
void run_queue(const connection_options& connection, const queue_options& options);

} // namespace stomp_load
