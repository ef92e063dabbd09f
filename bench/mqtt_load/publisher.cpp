#include "publisher.hpp"

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace mqtt_load {

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

publisher::publisher(const connection_options& options, std::string id, publish_settings settings)
    : client_(make_client(options, std::move(id), true)), settings_(std::move(settings)),
      payload_(static_cast<std::size_t>(settings_.size), 'x') {
    client_->set_max_inflight(settings_.window);
    client_->on_published = [this] { --in_flight_; };
}

void publisher::connect() { client_->connect(); }

std::int64_t publisher::run(const std::atomic<bool>& stop, std::int64_t limit) {
    using namespace std::chrono;
    const auto start = steady_clock::now();
    const auto period = settings_.rate > 0 ? duration<double>(1.0 / settings_.rate) : duration<double>(0);
    std::int64_t sent = 0;
    while (!stop.load(std::memory_order_relaxed) && (limit == 0 || sent < limit)) {
        if (in_flight_ >= settings_.window) {
            client_->loop(100);
            continue;
        }
        if (settings_.rate > 0) {
            // Acknowledgements are read between sends so they never pile up in the socket.
            client_->loop(0);
            std::this_thread::sleep_until(start + duration_cast<nanoseconds>(period * static_cast<double>(sent)));
        }
        publish_one();
        ++sent;
    }
    wait_for_window_to_empty();
    return sent;
}

void publisher::publish_one() {
    const std::int64_t stamp = now_ns();
    std::memcpy(payload_.data(), &stamp, sizeof stamp);
    // Counted before the call: a QoS 0 publish that fits the socket reports itself from inside it.
    ++in_flight_;
    client_->publish(settings_.topic, payload_.data(), settings_.size, settings_.qos);
}

void publisher::wait_for_window_to_empty() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (in_flight_ > 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
            throw std::runtime_error("publisher " + client_->id() + ": " + std::to_string(in_flight_) +
                                     " messages still unacknowledged after 30 s");
        }
        client_->loop(100);
    }
}

} // namespace mqtt_load
