#pragma once

#include <cstdint>

#include "gantry/engine/wall_clock.hpp"

namespace gantry::core {

// RocketMQ's DataVersion: name servers, clients and tools compare it to
// tell whether a metadata table (topics, subscription groups) changed.
struct data_version {
    std::int64_t timestamp = 0; // ms since the epoch of the last change
    std::int64_t counter = 0;   // changes so far

    // A table's version before any change: made now (Java's new DataVersion()).
    static data_version fresh() { return {engine::wall_clock_ms(), 0}; }

    // One more change, now.
    void advance() {
        timestamp = engine::wall_clock_ms();
        ++counter;
    }

    friend bool operator==(const data_version&, const data_version&) = default;
};

} // namespace gantry::core
