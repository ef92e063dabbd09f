#pragma once

#include "options.hpp"

namespace mqtt_load {

// A persistent session subscribes and leaves; QoS 1 messages pile up for it
// while the broker's RSS is read every `sample_every`; then it comes back
// (without subscribing again) and drains what the broker kept.
void run_backlog(const connection_options& connection, const backlog_options& options);

} // namespace mqtt_load
