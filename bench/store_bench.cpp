// Measures the commit-log store against the targets of the foundation issue:
// append throughput (ASYNC_FLUSH), group-commit throughput (SYNC_FLUSH),
// append-to-wake-up latency and sequential reads. Run from a Release build:
//   build/release/bin/store_bench --seconds 3
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gantry/store/message_properties.hpp"
#include "gantry/store/message_store.hpp"

namespace {

using namespace gantry::store;
using steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct options {
    fs::path dir = fs::temp_directory_path();
    double seconds = 3;
    std::int64_t segment_mib = 1024;
    std::string only;
    bool index = true;
    int flush_interval_ms = 500;
};

struct result_row {
    std::string name;
    double value;
    std::string unit;
    double target; // 0: none
    bool lower_is_better = false;
};

std::vector<result_row> rows;

void report(result_row r) {
    std::string verdict;
    if (r.target > 0) {
        const double ratio = r.lower_is_better ? r.target / r.value : r.value / r.target;
        char text[64];
        std::snprintf(text, sizeof text, "%.2fx target (%s %.0f)", ratio, r.lower_is_better ? "<=" : ">=", r.target);
        verdict = text;
    }
    std::printf("%-46s %14.0f %-8s %s\n", r.name.c_str(), r.value, r.unit.c_str(), verdict.c_str());
    std::fflush(stdout);
    rows.push_back(std::move(r));
}

// A store in a fresh directory, removed afterwards.
class bench_store {
public:
    bench_store(const options& o, flush_disk_type flush) {
        path_ = o.dir / ("gantry-store-bench-" + std::to_string(::getpid()));
        fs::remove_all(path_);
        config_.root_dir = path_;
        config_.commit_log_file_size = o.segment_mib * 1024 * 1024;
        config_.flush_type = flush;
        config_.clean_resource_interval = std::chrono::hours(24);
        config_.message_index_enable = o.index;
        config_.flush_interval = std::chrono::milliseconds(o.flush_interval_ms);
        start();
    }
    // Stops the store (which flushes everything) and starts it again.
    void restart() {
        store_.reset();
        start();
    }
    ~bench_store() {
        store_.reset();
        fs::remove_all(path_);
    }
    message_store& operator*() { return *store_; }
    message_store* operator->() { return store_.get(); }

private:
    void start() {
        store_ = std::make_unique<message_store>(config_);
        if (auto ec = store_->start()) throw std::runtime_error("store start: " + ec.message());
    }

    fs::path path_;
    store_config config_;
    std::unique_ptr<message_store> store_;
};

// A message shaped like a RocketMQ client's: a tag and a unique key.
struct bench_message {
    std::string body;
    std::string properties;
    message_to_store view(std::int32_t queue_id) const {
        message_to_store m;
        m.topic = "BenchmarkTest";
        m.queue_id = queue_id;
        m.body = as_bytes(body);
        m.properties = properties;
        m.born_host = socket_address::ipv4(127, 0, 0, 1, 50000);
        return m;
    }
};

bench_message make_message(std::size_t body_size) {
    bench_message m{std::string(body_size, 'x'), {}};
    append_property(m.properties, property::tags, "TagA");
    append_property(m.properties, property::unique_key, "7F0000010000000000000000000000FF");
    return m;
}

void bench_async_append(const options& o, std::size_t body_size, int threads, double target_msgs,
                        double target_mbytes) {
    bench_store store(o, flush_disk_type::async_flush);
    const auto msg = make_message(body_size);
    std::atomic<bool> stop{false};
    std::atomic<std::int64_t> total{0};
    std::vector<std::thread> workers;
    const auto start = steady::now();
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            const auto view = msg.view(t % 4);
            std::int64_t n = 0;
            while (!stop.load(std::memory_order_relaxed)) {
                for (int i = 0; i < 256; ++i) {
                    if (!store->put(view)) std::abort();
                }
                n += 256;
            }
            total += n;
        });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
    stop = true;
    for (auto& w : workers) w.join();
    const double secs = std::chrono::duration<double>(steady::now() - start).count();
    const double rate = static_cast<double>(total.load()) / secs;
    const std::string name = "append async " + std::to_string(body_size) + " B, " + std::to_string(threads) + " thr";
    report({name, rate, "msg/s", target_msgs});
    report({name, rate * static_cast<double>(body_size) / 1e6, "MB/s", target_mbytes});
}

void bench_sync_append(const options& o, int appenders, double target) {
    bench_store store(o, flush_disk_type::sync_flush);
    const auto msg = make_message(100);
    std::atomic<bool> stop{false};
    std::atomic<std::int64_t> total{0};
    std::vector<std::thread> workers;
    const auto start = steady::now();
    for (int t = 0; t < appenders; ++t) {
        workers.emplace_back([&, t] {
            const auto view = msg.view(t % 4);
            std::mutex m;
            std::condition_variable cv;
            std::int64_t n = 0;
            while (!stop.load(std::memory_order_relaxed)) {
                auto r = store->put(view);
                if (!r) std::abort();
                bool done = false;
                store->when_durable(r->end_offset(), [&](std::error_code ec) {
                    if (ec) std::abort();
                    std::lock_guard lock(m);
                    done = true;
                    cv.notify_one();
                });
                std::unique_lock lock(m);
                cv.wait(lock, [&] { return done; });
                ++n;
            }
            total += n;
        });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
    stop = true;
    for (auto& w : workers) w.join();
    const double secs = std::chrono::duration<double>(steady::now() - start).count();
    report({"append sync (group commit), " + std::to_string(appenders) + " appenders",
            static_cast<double>(total.load()) / secs, "msg/s", target});
}

// Time from the start of put() to the listener hearing the record is
// readable, at a paced 20k msg/s so it measures latency, not saturation.
// The producer sleeps between appends like a real one: a spinning producer
// would take one of the two cores from the dispatcher and the flushers.
void bench_wakeup_latency(const options& o) {
    bench_store store(o, flush_disk_type::async_flush);
    const auto msg = make_message(100);
    constexpr std::int64_t samples = 50'000;
    std::vector<std::int64_t> sent(samples);
    std::vector<std::int64_t> latency(samples, -1);
    const auto epoch = steady::now();
    auto now_ns = [&] { return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now() - epoch).count(); };
    std::atomic<std::int64_t> heard{0};
    store->set_arrival_listener([&](std::string_view, std::int32_t, std::int64_t max_offset) {
        const std::int64_t i = max_offset - 1;
        if (i >= 0 && i < samples) latency[static_cast<std::size_t>(i)] = now_ns() - sent[static_cast<std::size_t>(i)];
        heard.store(max_offset, std::memory_order_release);
    });
    const auto view = msg.view(0);
    for (std::int64_t i = 0; i < samples; ++i) {
        const auto due = std::chrono::nanoseconds(i * 50'000);
        std::this_thread::sleep_until(epoch + due);
        sent[static_cast<std::size_t>(i)] = now_ns();
        if (!store->put(view)) std::abort();
    }
    while (heard.load(std::memory_order_acquire) < samples) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::sort(latency.begin(), latency.end());
    auto pct = [&](double p) {
        return static_cast<double>(latency[static_cast<std::size_t>(p * static_cast<double>(samples - 1))]) / 1000.0;
    };
    report({"append-to-wake-up latency p50", pct(0.50), "us", 0});
    report({"append-to-wake-up latency p99", pct(0.99), "us", 200, true});
    report({"append-to-wake-up latency p99.9", pct(0.999), "us", 0});
}

void bench_sequential_read(const options& o) {
    bench_store store(o, flush_disk_type::async_flush);
    const auto msg = make_message(1024);
    constexpr std::int64_t count = 1'000'000;
    for (std::int64_t i = 0; i < count; ++i)
        if (!store->put(msg.view(0))) std::abort();
    // Read back at rest, as a consumer catching up after a restart does:
    // only flushed records have their body CRC checked (decision 0001).
    store.restart();
    const auto start = steady::now();
    std::int64_t offset = 0;
    std::int64_t bytes = 0;
    std::int64_t messages = 0;
    for (;;) {
        auto r = store->get_messages({.topic = "BenchmarkTest", .queue_id = 0, .offset = offset, .max_messages = 32});
        if (r.status != get_status::found) break;
        bytes += r.total_bytes;
        messages += static_cast<std::int64_t>(r.messages.size());
        offset = r.next_begin_offset;
    }
    const double secs = std::chrono::duration<double>(steady::now() - start).count();
    if (messages != count) std::abort();
    report({"sequential read 1 KiB (CRC checked)", static_cast<double>(messages) / secs, "msg/s", 0});
    report({"sequential read 1 KiB (CRC checked)", static_cast<double>(bytes) / secs / 1e6, "MB/s", 0});
}

} // namespace

int main(int argc, char** argv) {
    options o;
    CLI::App app{"Gantry commit-log store benchmark"};
    app.add_option("--dir", o.dir, "directory for the temporary store (default: system temp dir)");
    app.add_option("--seconds", o.seconds, "duration of each throughput case");
    app.add_option("--segment-mib", o.segment_mib, "commit-log segment size in MiB");
    app.add_option("--only", o.only, "run only cases whose group contains this word (async, sync, wakeup, read)");
    app.add_option("--index", o.index, "build the message-key index (messageIndexEnable)");
    app.add_option("--flush-interval-ms", o.flush_interval_ms, "flushIntervalCommitLog for ASYNC_FLUSH cases");
    CLI11_PARSE(app, argc, argv);
    spdlog::set_level(spdlog::level::warn);

    auto want = [&](std::string_view group) { return o.only.empty() || group.find(o.only) != std::string_view::npos; };
    std::printf("%-46s %14s %-8s %s\n", "case", "result", "unit", "vs target");
    if (want("async")) {
        bench_async_append(o, 100, 1, 1'000'000, 0);
        bench_async_append(o, 100, 4, 0, 0);
        bench_async_append(o, 1024, 1, 0, 600);
        bench_async_append(o, 1024, 4, 0, 0);
    }
    if (want("sync")) {
        bench_sync_append(o, 1, 0);
        bench_sync_append(o, 16, 0);
        bench_sync_append(o, 64, 50'000);
    }
    if (want("wakeup")) bench_wakeup_latency(o);
    if (want("read")) bench_sequential_read(o);
    return 0;
}
