#pragma once

#include "options.hpp"

namespace mqtt_load {

// Opens idle connections and prints the broker's RSS before and after, per connection.
void run_idle(const connection_options& connection, const idle_options& options);

} // namespace mqtt_load
