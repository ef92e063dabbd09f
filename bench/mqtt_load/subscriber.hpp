#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tools/src/latency_histogram.hpp"
#include "mqtt_client.hpp"

namespace mqtt_load {

// Counts deliveries and their latency from the stamp the publisher put in
// the payload, on the thread that calls run().
class subscriber {
public:
    // One delivery, as --latency-log writes it.
    struct delivery {
        std::int64_t published_ns;
        std::int64_t latency_ns;
    };

    // With `keep_each`, every delivery is also kept (deliveries()).
    subscriber(const connection_options& options, std::string id, bool clean_session, bool keep_each = false);

    void connect() { client_->connect(); }
    void subscribe(const std::string& topic, int qos) { client_->subscribe(topic, qos); }
    void disconnect() { client_->disconnect(); }
    bool session_present() const { return client_->session_present(); }

    // Receives until `stop` is set.
    void run(const std::atomic<bool>& stop);

    // Safe from any thread while run() goes on.
    std::int64_t received() const { return received_.load(std::memory_order_acquire); }
    std::int64_t first_received_ns() const { return first_ns_.load(std::memory_order_acquire); }
    std::int64_t last_received_ns() const { return last_ns_.load(std::memory_order_acquire); }
    // Only once run() returned.
    const gantry::tools::latency_histogram& latencies() const { return latencies_; }
    const std::vector<delivery>& deliveries() const { return deliveries_; }

private:
    std::unique_ptr<mqtt_client> client_;
    std::atomic<std::int64_t> received_{0};
    std::atomic<std::int64_t> first_ns_{0};
    std::atomic<std::int64_t> last_ns_{0};
    gantry::tools::latency_histogram latencies_;
    std::vector<delivery> deliveries_;
};

} // namespace mqtt_load
