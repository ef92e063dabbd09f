#pragma once

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

} // namespace gantry::protocols::common
