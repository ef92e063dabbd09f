#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace gantry::protocols::common {

// How every protocol session names its client in operator messages:
// "client 'sensor-7' from 203.0.113.7:50412", or "client from ..." before
// the client named itself (MQTT client id, STOMP client-id, AMQP container id).
inline std::string describe_client(std::string_view client_id, std::string_view remote_address) {
    std::string text = client_id.empty() ? "client" : "client '" + std::string(client_id) + "'";
    return text + " from " + std::string(remote_address);
}

// Milliseconds since the epoch: message times (born, expiry, a subscription's
// start) are wall-clock times, comparable with the records' store times.
inline std::int64_t wall_clock_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace gantry::protocols::common
