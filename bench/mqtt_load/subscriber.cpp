#include "subscriber.hpp"

#include <cstring>

#include "publisher.hpp"

namespace mqtt_load {

subscriber::subscriber(const connection_options& options, std::string id, bool clean_session, bool keep_each)
    : client_(make_client(options, std::move(id), clean_session)) {
    client_->on_message = [this, keep_each](std::span<const std::byte> payload) {
        const std::int64_t now = now_ns();
        std::int64_t stamp = now;
        if (payload.size() >= sizeof stamp) std::memcpy(&stamp, payload.data(), sizeof stamp);
        const std::int64_t latency = now > stamp ? now - stamp : 0;
        latencies_.record(static_cast<std::uint64_t>(latency) / 1000);
        if (keep_each) deliveries_.push_back({stamp, latency});
        if (received_.load(std::memory_order_relaxed) == 0) first_ns_.store(now, std::memory_order_release);
        last_ns_.store(now, std::memory_order_release);
        received_.fetch_add(1, std::memory_order_release);
    };
}

void subscriber::run(const std::atomic<bool>& stop) {
    while (!stop.load(std::memory_order_relaxed)) client_->loop(100);
}

} // namespace mqtt_load
