#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "bench_progress.hpp"
#include "command_context.hpp"
#include "gantry/protocols/remoting/client/producer.hpp"
#include "queue_reader.hpp"
#include "start_position.hpp"

namespace gantry::tools {

namespace {

// Carries each message's send time, so consumers measure end to end.
constexpr const char* sent_property = "BENCH_SENT_US";

std::uint64_t now_us() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

struct bench_produce_options {
    std::string topic = "BenchmarkTest";
    std::size_t size = 1024;
    int inflight = 32;
    int seconds = 10;
    std::uint64_t count = 0;
    int rate = 0;
};

struct bench_consume_options {
    std::string topic = "BenchmarkTest";
    std::string group = "bench-consumer";
    std::string from = "last";
    int seconds = 10;
    std::uint64_t count = 0;
    int batch = 32;
};

// Keeps `inflight` sends outstanding, or sends at a fixed rate, until the
// time or count runs out; each completion records its latency.
void bench_produce(command_context& ctx, const bench_produce_options& o) {
    client::producer producer(ctx.runtime());
    bench_progress progress(fmt::format("produce {} B", o.size));
    const std::string body(o.size, 'x');
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.seconds);
    std::mutex mutex;
    std::condition_variable changed;
    int in_flight = 0;
    std::uint64_t started = 0;
    std::atomic<bool> stopping{false};

    std::function<void()> send_one = [&] {
        client::message m;
        m.topic = o.topic;
        m.body = body;
        const auto sent = now_us();
        m.properties.emplace(sent_property, std::to_string(sent));
        producer.send_async(std::move(m), [&, sent](result<client::send_result> r) {
            if (r) {
                progress.record(now_us() - sent, o.size);
            } else {
                progress.error();
            }
            std::lock_guard lock(mutex);
            // Window mode keeps the window full from the completion itself.
            if (o.rate == 0 && !stopping && (o.count == 0 || started < o.count)) {
                ++started;
                send_one();
                return;
            }
            --in_flight;
            changed.notify_all();
        });
    };

    const auto interval = o.rate > 0 ? std::chrono::nanoseconds(1'000'000'000 / o.rate) : std::chrono::nanoseconds(0);
    auto next_send = std::chrono::steady_clock::now();
    {
        std::unique_lock lock(mutex);
        if (o.rate == 0) {
            for (; in_flight < o.inflight && (o.count == 0 || started < o.count); ++in_flight, ++started) send_one();
        }
    }
    while (std::chrono::steady_clock::now() < deadline) {
        std::unique_lock lock(mutex);
        if (o.count != 0 && started >= o.count && in_flight == 0) break;
        if (o.rate > 0 && in_flight < o.inflight && (o.count == 0 || started < o.count)) {
            lock.unlock();
            std::this_thread::sleep_until(next_send);
            next_send += interval;
            lock.lock();
            ++in_flight;
            ++started;
            send_one();
        } else {
            changed.wait_for(lock, std::chrono::milliseconds(100));
        }
        lock.unlock();
        progress.tick();
    }
    {
        std::unique_lock lock(mutex);
        stopping = true;
        changed.wait(lock, [&] { return in_flight == 0; });
    }
    progress.summary();
}

void bench_consume(command_context& ctx, const bench_consume_options& o) {
    client::pull_consumer consumer(ctx.runtime(), o.group);
    const auto queues = ctx.take(consumer.queues(o.topic), "cannot read the route of " + o.topic);
    client::pull_options pull;
    pull.max_messages = o.batch;
    pull.long_poll = std::chrono::seconds(1);
    queue_reader reader(ctx.runtime(), consumer, start_offsets(ctx, consumer, queues, o.from), pull, true);
    bench_progress progress("consume");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.seconds);
    while (std::chrono::steady_clock::now() < deadline && (o.count == 0 || progress.total() < o.count)) {
        progress.tick();
        auto b = reader.next(std::chrono::milliseconds(100));
        if (!b) continue;
        if (b->error) {
            progress.error();
            continue;
        }
        const auto now = now_us();
        for (const auto& m : b->messages) {
            const auto sent = m.properties.find(sent_property);
            const auto at = sent != m.properties.end() ? std::stoull(sent->second)
                                                      : static_cast<std::uint64_t>(m.store_timestamp) * 1000;
            progress.record(now > at ? now - at : 0, m.body.size());
        }
        reader.consumed(b->queue, b->next_offset);
    }
    reader.stop();
    progress.summary();
}

} // namespace

void add_bench_commands(CLI::App& app, command_context& ctx) {
    auto* bench = app.add_subcommand("bench", "Load a broker and print rate and latency every second");
    bench->require_subcommand(1);

    auto p = std::make_shared<bench_produce_options>();
    auto* produce = bench->add_subcommand("produce", "Send fixed-size messages; latency is send to acknowledgement");
    produce->add_option("-t,--topic", p->topic, "Topic")->capture_default_str();
    produce->add_option("-s,--size", p->size, "Body size in bytes")->capture_default_str();
    produce->add_option("-i,--inflight", p->inflight, "Sends outstanding at once")->capture_default_str();
    produce->add_option("-d,--seconds", p->seconds, "Run time")->capture_default_str();
    produce->add_option("-c,--count", p->count, "Stop after this many messages (0: run for --seconds)");
    produce->add_option("-r,--rate", p->rate, "Messages per second (0: as fast as --inflight allows)");
    produce->callback([&ctx, p] { bench_produce(ctx, *p); });

    auto c = std::make_shared<bench_consume_options>();
    auto* consume = bench->add_subcommand(
        "consume", "Pull every queue of a topic; latency is send (bench produce) or store time to arrival");
    consume->add_option("-t,--topic", c->topic, "Topic")->capture_default_str();
    consume->add_option("-g,--group", c->group, "Consumer group")->capture_default_str();
    consume->add_option("--from", c->from, "first, last, committed or a time")->capture_default_str();
    consume->add_option("-d,--seconds", c->seconds, "Run time")->capture_default_str();
    consume->add_option("-c,--count", c->count, "Stop after this many messages");
    consume->add_option("-b,--batch", c->batch, "Messages per pull")->capture_default_str();
    consume->callback([&ctx, c] { bench_consume(ctx, *c); });
}

} // namespace gantry::tools
