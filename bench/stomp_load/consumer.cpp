#include "consumer.hpp"

#include <stdexcept>

#include "send_stamp.hpp"

namespace stomp_load {

consumer::consumer(const connection_options& options) : client_(options, "consumer") {}

void consumer::subscribe(const std::string& destination, int prefetch) {
    stomp::stomp_frame frame;
    frame.command = stomp::stomp_command::subscribe;
    frame.add("destination", destination);
    frame.add("id", "0");
    frame.add("ack", "auto");
    frame.add("activemq.prefetchSize", std::to_string(prefetch));
    frame.add("receipt", "subscribe");
    bool confirmed = false;
    client_.on_frame = [&](stomp::stomp_frame& f) {
        const auto* id = f.header("receipt-id");
        if (f.command == stomp::stomp_command::receipt && id && *id == "subscribe") confirmed = true;
        else if (f.command == stomp::stomp_command::message) on_message(f);
    };
    client_.send(frame);
    client_.wait_for([&] { return confirmed; }, "RECEIPT for SUBSCRIBE");
    client_.on_frame = [this](stomp::stomp_frame& f) {
        if (f.command != stomp::stomp_command::message) {
            throw std::runtime_error("consumer: unexpected " + std::string(stomp::command_name(f.command)));
        }
        on_message(f);
    };
}

void consumer::run(const std::atomic<bool>& stop) {
    // Bounded by the caller, who sets `stop` once sending and draining are over.
    client_.run_until([&stop] { return stop.load(std::memory_order_relaxed); },
                      stomp_client::clock::time_point::max());
}

void consumer::on_message(const stomp::stomp_frame& frame) {
    const std::int64_t now = now_ns();
    const std::int64_t stamp = read_stamp(frame.body);
    if (stamp >= measure_from_ns_) latencies_.record(static_cast<std::uint64_t>(now > stamp ? now - stamp : 0) / 1000);
    received_.fetch_add(1, std::memory_order_relaxed);
}

} // namespace stomp_load
