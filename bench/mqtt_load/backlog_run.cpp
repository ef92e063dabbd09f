#include "backlog_run.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "broker_rss.hpp"
#include "publisher.hpp"
#include "subscriber.hpp"
#include "bench/summary_line.hpp"
#include "bench/worker.hpp"

namespace mqtt_load {

using gantry_bench::worker;

namespace {

using std::chrono::duration;
using std::chrono::steady_clock;

constexpr double drain_limit_seconds = 600;

void leave_subscription_behind(const connection_options& connection, const backlog_options& o) {
    subscriber away(connection, o.client_id, false);
    away.connect();
    away.subscribe(o.topic, 1);
    away.disconnect();
}

void print_sample(std::int64_t published, const broker_rss& rss) {
    std::printf("backlog published=%lld rss_kib=%lld anon_kib=%lld\n", static_cast<long long>(published),
                static_cast<long long>(rss.total_kib), static_cast<long long>(rss.anon_kib));
    std::fflush(stdout);
}

} // namespace

void run_backlog(const connection_options& connection, const backlog_options& o) {
    leave_subscription_behind(connection, o);

    publisher sender(connection, "mqtt-load-" + std::to_string(::getpid()) + "-backlog-pub",
                     publish_settings{o.topic, 1, o.size, o.window, 0});
    sender.connect();
    const broker_rss start = read_broker_rss(o.broker_pid);
    print_sample(0, start);
    const std::atomic<bool> never{false};
    std::int64_t sent = 0;
    const auto publish_start = steady_clock::now();
    while (sent < o.messages) {
        sent += sender.run(never, std::min(o.sample_every, o.messages - sent));
        print_sample(sent, read_broker_rss(o.broker_pid));
    }
    const double publish_seconds = duration<double>(steady_clock::now() - publish_start).count();
    sender.disconnect();
    const broker_rss full = read_broker_rss(o.broker_pid);

    subscriber back(connection, o.client_id, false);
    const std::int64_t reconnect_ns = now_ns();
    back.connect();
    std::atomic<bool> stop{false};
    worker receiver(stop, [&back, &stop] { back.run(stop); });
    const auto give_up = steady_clock::now() + duration<double>(drain_limit_seconds);
    auto last_progress = steady_clock::now();
    std::int64_t seen = 0;
    while (seen < sent && steady_clock::now() < give_up &&
           steady_clock::now() - last_progress < duration<double>(o.idle_seconds)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (back.received() != seen) last_progress = steady_clock::now();
        seen = back.received();
    }
    stop = true;
    receiver.join();
    back.disconnect();

    const std::int64_t received = back.received();
    const double drain_seconds = received > 0 ? static_cast<double>(back.last_received_ns() - reconnect_ns) / 1e9 : 0;
    gantry_bench::summary_line("backlog")
        .add("sent", sent)
        .add("received", received)
        .add("session_present", back.session_present() ? 1 : 0)
        .add("publish_msg_per_s", static_cast<double>(sent) / publish_seconds)
        .add("drain_seconds", drain_seconds)
        .add("drain_msg_per_s", drain_seconds > 0 ? static_cast<double>(received) / drain_seconds : 0.0)
        .add("rss_start_kib", start.total_kib)
        .add("rss_full_kib", full.total_kib)
        .add("rss_growth_kib", full.total_kib - start.total_kib)
        .add("anon_start_kib", start.anon_kib)
        .add("anon_full_kib", full.anon_kib)
        .add("anon_growth_kib", full.anon_kib - start.anon_kib)
        .print();
}

} // namespace mqtt_load
