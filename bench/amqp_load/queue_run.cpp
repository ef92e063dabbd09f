#include "queue_run.hpp"

#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <proton/connection_options.hpp>
#include <proton/container.hpp>

#include "load_receiver.hpp"
#include "load_sender.hpp"
#include "bench/summary_line.hpp"

namespace amqp_load {

namespace {

using std::chrono::duration;
using std::chrono::steady_clock;

// The proton containers and their threads: one for both connections or one
// per connection. Stops and joins them whatever way the run ends.
class containers {
public:
    containers(const options& o, load_sender& sender, load_receiver& receiver) {
        const std::string id = "amqp-load-" + std::to_string(::getpid());
        proton::connection_options base;
        if (!o.user.empty()) base.user(o.user).password(o.password).sasl_allow_insecure_mechs(true);
        const std::string url = "amqp://" + o.host + ":" + std::to_string(o.port);
        all_.push_back(std::make_unique<proton::container>(id + "-receiver"));
        if (o.threads == 2) all_.push_back(std::make_unique<proton::container>(id + "-sender"));
        all_.front()->connect(url, proton::connection_options(base).handler(receiver));
        all_.back()->connect(url, proton::connection_options(base).handler(sender));
        for (auto& c : all_) threads_.emplace_back([c = c.get()] { c->run(); });
    }
    ~containers() {
        for (auto& c : all_) c->stop();
        for (auto& t : threads_) t.join();
    }
    containers(const containers&) = delete;
    containers& operator=(const containers&) = delete;

private:
    std::vector<std::unique_ptr<proton::container>> all_;
    std::vector<std::thread> threads_;
};

steady_clock::duration seconds_of(double s) {
    return std::chrono::duration_cast<steady_clock::duration>(duration<double>(s));
}

// Polls `done` every millisecond until it holds, the run failed or `seconds` passed.
bool wait_for(double seconds, const run_signals& signals, const std::function<bool()>& done) {
    const auto give_up = steady_clock::now() + duration<double>(seconds);
    while (!done()) {
        if (signals.failed() || steady_clock::now() >= give_up) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

void check(const run_signals& signals) {
    if (signals.failed()) throw std::runtime_error(signals.failure());
}

// Sleeps until `until`, or paces send_one() calls at o.rate until then.
// `paced` counts the messages asked for since `start`.
void send_until(steady_clock::time_point start, steady_clock::time_point until, const options& o, load_sender& sender,
                const run_signals& signals, std::int64_t& paced) {
    if (o.rate <= 0) {
        while (steady_clock::now() < until && !signals.failed()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return;
    }
    const auto period = duration<double>(1.0 / o.rate);
    while (!signals.failed()) {
        const auto next = start + std::chrono::duration_cast<steady_clock::duration>(period * static_cast<double>(paced));
        if (next >= until) break;
        std::this_thread::sleep_until(next);
        sender.send_one();
        ++paced;
    }
}

} // namespace

void run_queue(const options& o) {
    run_signals signals;
    flow_window window(o.window);
    load_sender sender(o, signals, window);
    load_receiver receiver(o, signals, window, [&sender] { sender.wake(); });
    std::optional<containers> running(std::in_place, o, sender, receiver);

    if (!wait_for(o.timeout, signals, [&] { return receiver.ready() && sender.ready(); })) {
        check(signals);
        throw std::runtime_error("the links to " + o.address + " did not open within " +
                                 std::to_string(o.timeout) + " s");
    }
    const auto start = steady_clock::now();
    std::int64_t paced = 0;
    send_until(start, start + seconds_of(o.warmup), o, sender, signals, paced);
    check(signals);
    signals.measure_from_ns = now_ns();
    const std::int64_t received_before = receiver.received();
    const std::int64_t sent_before = sender.sent();
    const auto measure_start = steady_clock::now();
    send_until(start, start + seconds_of(o.seconds), o, sender, signals, paced);
    check(signals);
    signals.stop_sending = true;
    const std::int64_t received_after = receiver.received();
    const std::int64_t sent_after = sender.sent();
    const double measured = duration<double>(steady_clock::now() - measure_start).count();

    // The last messages: until every one came (and was accepted), or --drain seconds without progress.
    std::int64_t seen = receiver.received();
    auto last_progress = steady_clock::now();
    wait_for(o.drain + o.seconds * 3, signals, [&] {
        const std::int64_t now_seen = receiver.received();
        if (now_seen != seen) last_progress = steady_clock::now();
        seen = now_seen;
        const bool all_in = now_seen >= sender.sent() &&
                            (o.mode == delivery::at_most_once || sender.accepted() >= sender.sent());
        return all_in || steady_clock::now() - last_progress > duration<double>(o.drain);
    });
    check(signals);
    signals.closing = true;
    sender.close();
    receiver.close();
    wait_for(o.timeout, signals, [&] { return sender.closed() && receiver.closed(); });
    const std::int64_t sent = sender.sent();
    const std::int64_t received = receiver.received();
    const std::int64_t accepted = sender.accepted();
    running.reset(); // joins the proton threads: the histogram is the receiver's until then
    check(signals);

    const auto& latencies = receiver.latencies();
    const double rate = measured > 0 ? static_cast<double>(received_after - received_before) / measured : 0;
    gantry_bench::summary_line(o.rate > 0 ? "latency" : "throughput")
        .add("delivery", to_string(o.mode))
        .add("size", o.size)
        .add("durable", o.durable ? 1 : 0)
        .add("credit", o.credit)
        .add("window", o.window)
        .add("threads", o.threads)
        .add("rate", o.rate)
        .add("sent", sent)
        .add("accepted", o.mode == delivery::at_most_once ? std::int64_t{-1} : accepted)
        .add("received", received)
        .add("lost", sent - received)
        .add("seconds", measured)
        .add("msg_per_s", rate)
        .add("mb_per_s", rate * o.size / 1e6)
        .add("sent_per_s", measured > 0 ? static_cast<double>(sent_after - sent_before) / measured : 0)
        .add("backlog_at_stop", sent_after - received_after)
        .add("p50_us", static_cast<std::int64_t>(latencies.percentile(0.50)))
        .add("p99_us", static_cast<std::int64_t>(latencies.percentile(0.99)))
        .add("p999_us", static_cast<std::int64_t>(latencies.percentile(0.999)))
        .add("max_us", static_cast<std::int64_t>(latencies.max()))
        .print();
}

} // namespace amqp_load
