#include "producer.hpp"

#include <chrono>
#include <stdexcept>

#include "send_stamp.hpp"

namespace stomp_load {

namespace {

// Octets not yet written to the socket before the producer waits: the
// socket, not this buffer, is where a broker that reads slowly pushes back.
constexpr std::size_t max_pending_output = 256 * 1024;
constexpr int sends_between_polls = 32;

} // namespace

producer::producer(const connection_options& options, send_settings settings)
    : client_(options, "producer"), settings_(std::move(settings)) {
    frame_.command = stomp::stomp_command::send;
    frame_.add("destination", settings_.destination);
    frame_.add("content-type", "text/plain");
    frame_.add("content-length", std::to_string(settings_.size));
    if (!settings_.persistent.empty()) frame_.add("persistent", settings_.persistent);
    if (settings_.receipts) frame_.add("receipt", "0");
    frame_.body.assign(static_cast<std::size_t>(settings_.size), 'x');
    client_.on_frame = [this](stomp::stomp_frame& f) {
        if (f.command != stomp::stomp_command::receipt) {
            throw std::runtime_error("producer: unexpected " + std::string(stomp::command_name(f.command)));
        }
        --awaiting_receipt_;
    };
}

std::int64_t producer::run(stomp_client::clock::time_point start, stomp_client::clock::time_point end) {
    using namespace std::chrono;
    using clock = stomp_client::clock;
    const auto period = settings_.rate > 0 ? duration<double>(1.0 / settings_.rate) : duration<double>(0);
    std::int64_t n = 0;
    while (clock::now() < end) {
        if (settings_.rate > 0) {
            const auto due = start + duration_cast<clock::duration>(period * static_cast<double>(n));
            if (clock::now() < due) {
                // Reads RECEIPTs while it waits, so they never pile up in the socket.
                client_.run_until([] { return false; }, std::min(due, end));
                continue;
            }
        }
        if (settings_.receipts && awaiting_receipt_ >= settings_.window) {
            client_.run_until([this] { return awaiting_receipt_ < settings_.window; }, end);
            continue;
        }
        if (client_.pending_output() >= max_pending_output) {
            client_.run_until([this] { return client_.pending_output() < max_pending_output / 2; }, end);
            continue;
        }
        send_one(n++);
        if (n % sends_between_polls == 0) client_.poll();
    }
    if (settings_.receipts) client_.wait_for([this] { return awaiting_receipt_ == 0; }, "RECEIPT for every SEND");
    client_.wait_for([this] { return client_.pending_output() == 0; }, "end of writing");
    return n;
}

void producer::send_one(std::int64_t n) {
    if (settings_.receipts) {
        frame_.headers.back().second = std::to_string(n);
        ++awaiting_receipt_;
    }
    write_stamp(frame_.body, now_ns());
    client_.send(frame_);
    sent_.store(n + 1, std::memory_order_relaxed);
}

} // namespace stomp_load
