#pragma once

#include <chrono>
#include <string>

#include "gantry/engine/facade.hpp"
#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/common/connection.hpp"

namespace gantry::protocols::common {

// Where a connection that only publishes is best served: on the io thread
// the readers of its topic are woken on, while that thread has time to
// spare. A message then goes from the publisher's read to the subscriber's
// write on one thread instead of waking a second one, which on the VMs
// measured here doubled MQTT's latency at 5,000 msg/s (docs/benchmarks.md,
// "The hop, measured away"). A busy thread gets no one, so that heavy load
// stays spread over the io threads the way connections were accepted.
//
// Asked after each publish; looks at most once every `io_load::fresh` (the
// first time, after `io_load::shortest`: a light publisher moves within
// tens of milliseconds of its first message).
class publisher_placement {
public:
    // After `conn` published to engine topic `topic`: the io_context it
    // should move to (connection::move_to), or null. `max_busy`: the share
    // of the last period the readers' thread may have been busy, 0 to 1.
    asio::io_context* after_publish(const engine::facade& engine, const std::string& topic,
                                    const connection& conn, double max_busy,
                                    std::chrono::steady_clock::time_point now);

private:
    // One per connection: nothing more (connection memory, issue #5).
    std::chrono::steady_clock::time_point next_look_{};
};

} // namespace gantry::protocols::common
