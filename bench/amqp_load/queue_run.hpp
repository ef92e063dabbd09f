#pragma once

#include "options.hpp"

namespace amqp_load {

// One sender and one receiver on the queue for --seconds: prints the summary
// line (received rate after the warm-up, loss, latency). Throws
// std::runtime_error when a connection or link fails or a wait times out.
void run_queue(const options& o);

} // namespace amqp_load
