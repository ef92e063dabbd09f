#include "pubsub_run.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "publisher.hpp"
#include "subscriber.hpp"
#include "bench/summary_line.hpp"
#include "bench/worker.hpp"

namespace mqtt_load {

using gantry_bench::worker;

namespace {

using std::chrono::duration;
using std::chrono::steady_clock;

std::int64_t total_received(const std::vector<std::unique_ptr<subscriber>>& subscribers) {
    std::int64_t n = 0;
    for (const auto& s : subscribers) n += s->received();
    return n;
}

// Waits while deliveries still arrive: until every copy came, nothing came
// for `quiet` seconds, or the broker had `limit` seconds to catch up.
void wait_for_deliveries(const std::vector<std::unique_ptr<subscriber>>& subscribers, std::int64_t expected,
                         double quiet, double limit) {
    const auto give_up = steady_clock::now() + duration<double>(limit);
    auto last_progress = steady_clock::now();
    std::int64_t seen = total_received(subscribers);
    while (seen < expected && steady_clock::now() < give_up &&
           steady_clock::now() - last_progress < duration<double>(quiet)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        const std::int64_t now_seen = total_received(subscribers);
        if (now_seen != seen) last_progress = steady_clock::now();
        seen = now_seen;
    }
}

void write_latency_log(const std::string& path, const std::vector<std::unique_ptr<subscriber>>& subscribers) {
    std::ofstream out(path);
    for (const auto& s : subscribers)
        for (const auto& d : s->deliveries()) out << d.published_ns << ' ' << d.latency_ns << '\n';
    if (!out.flush())
        throw std::runtime_error("cannot write the latency log " + path + ": check that its directory exists and is writable");
}

} // namespace

void run_pubsub(const connection_options& connection, const pubsub_options& o) {
    const std::string prefix = "mqtt-load-" + std::to_string(::getpid());
    connection_options at_subscribers = connection;
    if (!o.subscriber_host.empty()) at_subscribers.host = o.subscriber_host;
    if (o.subscriber_port != 0) at_subscribers.port = o.subscriber_port;
    std::vector<std::unique_ptr<subscriber>> subscribers;
    for (int i = 0; i < o.subscribers; ++i) {
        subscribers.push_back(std::make_unique<subscriber>(at_subscribers, prefix + "-sub-" + std::to_string(i), true,
                                                           !o.latency_log.empty()));
        subscribers.back()->connect();
        subscribers.back()->subscribe(o.topic, o.qos);
    }
    std::vector<std::unique_ptr<publisher>> publishers;
    for (int i = 0; i < o.publishers; ++i) {
        publishers.push_back(std::make_unique<publisher>(connection, prefix + "-pub-" + std::to_string(i),
                                                         publish_settings{o.topic, o.qos, o.size, o.window, o.rate}));
        publishers.back()->connect();
    }

    std::atomic<bool> stop_receiving{false};
    std::vector<std::unique_ptr<worker>> receivers;
    for (auto& s : subscribers) {
        receivers.push_back(
            std::make_unique<worker>(stop_receiving, [r = s.get(), &stop_receiving] { r->run(stop_receiving); }));
    }
    std::atomic<bool> stop_publishing{false};
    std::vector<std::int64_t> sent(publishers.size(), 0);
    std::vector<std::unique_ptr<worker>> senders;
    const std::int64_t start_ns = now_ns();
    const auto start = steady_clock::now();
    for (std::size_t i = 0; i < publishers.size(); ++i) {
        senders.push_back(std::make_unique<worker>(
            stop_publishing, [&, i] { sent[i] = publishers[i]->run(stop_publishing); }));
    }
    std::this_thread::sleep_for(duration<double>(o.seconds));
    stop_publishing = true;
    for (auto& s : senders) s->join();
    const double publish_seconds = duration<double>(steady_clock::now() - start).count();
    // What arrived while the publishers ran; the rest is what the broker (or a bridge) still held.
    const std::int64_t received_while_publishing = total_received(subscribers);
    std::int64_t published = 0;
    for (auto n : sent) published += n;
    const std::int64_t expected = published * o.subscribers;

    wait_for_deliveries(subscribers, expected, o.drain_seconds, o.drain_seconds + 3 * o.seconds);
    stop_receiving = true;
    for (auto& r : receivers) r->join();
    for (auto& p : publishers) p->disconnect();
    for (auto& s : subscribers) s->disconnect();

    if (!o.latency_log.empty()) write_latency_log(o.latency_log, subscribers);

    gantry::tools::latency_histogram latencies;
    std::int64_t last_ns = start_ns;
    for (const auto& s : subscribers) {
        latencies.merge(s->latencies());
        last_ns = std::max(last_ns, s->last_received_ns());
    }
    const std::int64_t received = total_received(subscribers);
    // Until the last delivery, so what a broker buffered during publishing counts against it.
    const double seconds = static_cast<double>(last_ns - start_ns) / 1e9;
    const double rate = seconds > 0 ? static_cast<double>(received) / seconds : 0;
    gantry_bench::summary_line("pubsub")
        .add("publishers", o.publishers)
        .add("subscribers", o.subscribers)
        .add("qos", o.qos)
        .add("size", o.size)
        .add("sent", published)
        .add("expected", expected)
        .add("received", received)
        .add("lost", expected - received)
        .add("seconds", seconds)
        .add("msg_per_s", rate)
        .add("mb_per_s", rate * o.size / 1e6)
        .add("publish_msg_per_s", static_cast<double>(published) / publish_seconds)
        .add("publish_seconds", publish_seconds)
        .add("received_while_publishing", received_while_publishing)
        .add("p50_us", static_cast<std::int64_t>(latencies.percentile(0.50)))
        .add("p99_us", static_cast<std::int64_t>(latencies.percentile(0.99)))
        .add("max_us", static_cast<std::int64_t>(latencies.max()))
        .print();
}

} // namespace mqtt_load
