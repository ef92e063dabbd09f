#pragma once

#include <chrono>
#include <cstdint>

namespace gantry::engine {

// Milliseconds since the epoch: message times (born, store, delivery,
// expiry, a subscription's start) are wall-clock times, comparable across
// processes and with the times stored in records.
inline std::int64_t wall_clock_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace gantry::engine
