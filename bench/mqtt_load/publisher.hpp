#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <memory>

#include "mqtt_client.hpp"

namespace mqtt_load {

struct publish_settings {
    std::string topic;
    int qos = 0;
    int size = 100;
    int window = 64; // messages written (QoS 0) or acknowledged (QoS 1) before the next may go
    double rate = 0; // messages per second; 0: as fast as the window allows
};

// Publishes payloads stamped with their send time (steady_clock ns in the
// first 8 bytes) on the thread that calls run().
class publisher {
public:
    publisher(const connection_options& options, std::string id, publish_settings settings);

    void connect();
    // Publishes until `stop` is set or `limit` messages (0: no limit) went out,
    // then waits for the last acknowledgements. Returns the messages published.
    std::int64_t run(const std::atomic<bool>& stop, std::int64_t limit = 0);
    void disconnect() { client_->disconnect(); }

private:
    void publish_one();
    void wait_for_window_to_empty();

    std::unique_ptr<mqtt_client> client_;
    publish_settings settings_;
    std::string payload_;
    int in_flight_ = 0;
};

// steady_clock nanoseconds, the stamp carried by every payload.
std::int64_t now_ns();

} // namespace mqtt_load
