#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "stomp_client.hpp"

namespace stomp_load {

struct send_settings {
    std::string destination; // /queue/<name>
    int size = 100;
    double rate = 0;       // SENDs per second; 0: as fast as the connection takes them
    bool receipts = false; // a receipt header on every SEND
    int window = 1000;     // SENDs awaiting their RECEIPT before the next may go
    std::string persistent; // the persistent header; empty: none
};

// SENDs stamped bodies (send_stamp.hpp) on the thread that calls run().
// With receipts, at most `window` SENDs await their RECEIPT, so a run
// measures pipelined stored sends, not one round trip per message.
class producer {
public:
    producer(const connection_options& options, send_settings settings);

    void connect() { client_.connect(); }
    void disconnect() { client_.disconnect(); }

    // Sends from `start` until `end`, then waits (bounded by the connection
    // timeout) for the RECEIPTs still due. Returns the SENDs.
    std::int64_t run(stomp_client::clock::time_point start, stomp_client::clock::time_point end);

    // Safe from any thread while run() goes on.
    std::int64_t sent() const noexcept { return sent_.load(std::memory_order_relaxed); }

private:
    void send_one(std::int64_t n);

    stomp_client client_;
    send_settings settings_;
    stomp::stomp_frame frame_; // reused: only the receipt and the body's stamp change
    std::atomic<std::int64_t> sent_{0};
    std::int64_t awaiting_receipt_ = 0;
};

} // namespace stomp_load
