#include "queue_run.hpp"

#include <unistd.h>

#include <chrono>
#include <thread>

#include "consumer.hpp"
#include "producer.hpp"
#include "send_stamp.hpp"
#include "bench/summary_line.hpp"
#include "bench/worker.hpp"

namespace stomp_load {

using gantry_bench::worker;

namespace {

using clock = stomp_client::clock;
using std::chrono::duration;
using std::chrono::duration_cast;

clock::duration seconds_of(double s) { return duration_cast<clock::duration>(duration<double>(s)); }

// Sleeps until `until` in short steps; false as soon as a worker failed.
bool sleep_while_healthy(clock::time_point until, const worker& a, const worker& b) {
    while (clock::now() < until) {
        if (a.failed() || b.failed()) return false;
        std::this_thread::sleep_for(std::min<clock::duration>(until - clock::now(), std::chrono::milliseconds(20)));
    }
    return !a.failed() && !b.failed();
}

// Waits while deliveries still arrive: until all `expected` came, nothing
// came for `quiet` seconds, or `limit` seconds passed.
void wait_for_deliveries(const consumer& c, const worker& receiving, std::int64_t expected, double quiet,
                         double limit) {
    const auto give_up = clock::now() + seconds_of(limit);
    auto last_progress = clock::now();
    std::int64_t seen = c.received();
    while (seen < expected && !receiving.failed() && clock::now() < give_up &&
           clock::now() - last_progress < seconds_of(quiet)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        const std::int64_t now_seen = c.received();
        if (now_seen != seen) last_progress = clock::now();
        seen = now_seen;
    }
}

} // namespace

void run_queue(const connection_options& connection, const queue_options& o) {
    const std::string destination =
        "/queue/" + (o.queue.empty() ? "stomp-load-" + std::to_string(::getpid()) : o.queue);

    consumer receiver(connection);
    receiver.connect();
    receiver.subscribe(destination, o.prefetch);
    producer sender(connection, send_settings{destination, o.size, o.rate, o.receipts, o.window, o.persistent});
    sender.connect();

    // The warm-up starts with the first SEND, once both are connected.
    const auto start = clock::now() + std::chrono::milliseconds(10);
    const auto measure_from = start + seconds_of(o.warmup_seconds);
    const auto end = measure_from + seconds_of(o.seconds);
    receiver.measure_from(duration_cast<std::chrono::nanoseconds>(measure_from.time_since_epoch()).count());

    std::atomic<bool> stop_receiving{false};
    std::atomic<bool> stop_sending{false}; // the producer stops by time; set only to unblock an early exit
    worker receiving(stop_receiving, [&] { receiver.run(stop_receiving); });
    std::int64_t sent = 0;
    worker sending(stop_sending, [&] {
        std::this_thread::sleep_until(start);
        sent = sender.run(start, end);
    });

    bool healthy = sleep_while_healthy(measure_from, sending, receiving);
    const std::int64_t received_before = receiver.received();
    const std::int64_t sent_before = sender.sent();
    const auto measured_start = clock::now();
    healthy = healthy && sleep_while_healthy(end, sending, receiving);
    const std::int64_t received_after = receiver.received();
    const std::int64_t sent_after = sender.sent();
    const double measured = duration<double>(clock::now() - measured_start).count();
    if (!healthy && receiving.failed()) receiving.join(); // rethrows the consumer's failure
    sending.join();                                        // rethrows the producer's

    wait_for_deliveries(receiver, receiving, sent, 5, o.drain_seconds);
    stop_receiving = true;
    receiving.join();
    sender.disconnect();
    receiver.disconnect();

    const std::int64_t received = receiver.received();
    const auto& latencies = receiver.latencies();
    const double rate = static_cast<double>(received_after - received_before) / measured;
    gantry_bench::summary_line("queue")
        .add("size", o.size)
        .add("receipts", o.receipts ? "on" : "off")
        .add("persistent", o.persistent.empty() ? "default" : o.persistent.c_str())
        .add("rate", o.rate)
        .add("sent", sent)
        .add("received", received)
        .add("undelivered", sent - received)
        .add("seconds", measured)
        .add("msg_per_s", rate)
        .add("mb_per_s", rate * o.size / 1e6)
        .add("send_msg_per_s", static_cast<double>(sent_after - sent_before) / measured)
        .add("latency_samples", static_cast<std::int64_t>(latencies.count()))
        .add("p50_us", static_cast<std::int64_t>(latencies.percentile(0.50)))
        .add("p99_us", static_cast<std::int64_t>(latencies.percentile(0.99)))
        .add("p999_us", static_cast<std::int64_t>(latencies.percentile(0.999)))
        .add("max_us", static_cast<std::int64_t>(latencies.max()))
        .print();
}

} // namespace stomp_load
