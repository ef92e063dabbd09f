#pragma once

#include "options.hpp"

namespace mqtt_load {

// Publishers and subscribers on one topic for a fixed time; prints the
// delivered rate (every subscriber's copies), loss and latency. The
// subscribers may be on another broker than the publishers, one a bridge
// forwards to.
void run_pubsub(const connection_options& connection, const pubsub_options& options);

} // namespace mqtt_load
