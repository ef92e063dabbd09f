#include "mqtt_client.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "mosquitto_client.hpp"
#include "websocket_client.hpp"

namespace mqtt_load {

void mqtt_client::wait_for(const std::function<bool()>& done, const char* what,
                           const std::function<void()>& step) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(options_.timeout_seconds);
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            char seconds[32];
            std::snprintf(seconds, sizeof seconds, "%g s", options_.timeout_seconds);
            fail(std::string("no ") + what + " within " + seconds);
        }
        step();
    }
}

void mqtt_client::fail(const std::string& what) const {
    throw std::runtime_error("client " + id_ + " (" + options_.host + ":" + std::to_string(options_.port) + "): " +
                             what);
}

std::unique_ptr<mqtt_client> make_client(const connection_options& options, std::string id, bool clean_session) {
    switch (options.transport) {
    case transport::tcp: return std::make_unique<mosquitto_client>(options, std::move(id), clean_session);
    case transport::websocket: return std::make_unique<websocket_client>(options, std::move(id), clean_session);
    }
    throw std::logic_error("unknown transport");
}

} // namespace mqtt_load
