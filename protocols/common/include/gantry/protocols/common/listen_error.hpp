#pragma once

#include <string>
#include <system_error>

namespace gantry::protocols::common {

// Why a listener could not start, as one line an operator can act on:
// "cannot listen on 127.0.0.1:1883 (MQTT): address already in use; stop the
// other process or set mqtt.listenPort".
struct listen_error {
    std::error_code code;
    std::string message;
};

} // namespace gantry::protocols::common
