// Acknowledged deliveries per second from one queue to 1 and to N competing
// consumers (issue #3 target: >= 500,000/s in-process, 100 B bodies).
//   build/release/bin/delivery_bench --messages 1000000
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <thread>
#include <vector>

#include "gantry/core/core_engine.hpp"

namespace {

using namespace gantry;
namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;

// Settles every delivery at once and tops its credit up in batches, like a
// client with a prefetch window.
class acking_sink final : public engine::delivery_sink {
public:
    acking_sink(engine::facade& e, std::atomic<std::int64_t>& acked, std::int64_t target, std::promise<void>& done)
        : engine_(e), acked_(acked), target_(target), done_(done) {}
    void attach(engine::subscription_id id) { id_ = id; }
    void deliver(engine::delivery&& d) override {
        engine_.settle(id_, d.handle, engine::outcome::accepted);
        if (++since_grant_ == batch) {
            engine_.grant_credit(id_, batch);
            since_grant_ = 0;
        }
        if (acked_.fetch_add(1, std::memory_order_relaxed) + 1 == target_) done_.set_value();
    }
    void closed(std::error_code) override {}

    static constexpr int batch = 64;
    static constexpr int window = 4 * batch;

private:
    engine::facade& engine_;
    engine::subscription_id id_;
    std::atomic<std::int64_t>& acked_;
    const std::int64_t target_;
    std::promise<void>& done_;
    int since_grant_ = 0;
};

double run(const fs::path& dir, std::int64_t messages, int consumers) {
    const auto root = dir / ("gantry-delivery-bench-" + std::to_string(::getpid()));
    fs::remove_all(root);
    store::store_config sc;
    sc.root_dir = root;
    sc.commit_log_file_size = 256 * 1024 * 1024;
    core::core_config cc;
    cc.root_dir = root;
    double rate = 0;
    {
        store::message_store store(sc);
        core::core_engine engine(store, cc);
        if (store.start() || engine.start()) throw std::runtime_error("start failed");
        boost::asio::io_context io;
        auto work = boost::asio::make_work_guard(io);
        std::thread io_thread([&] { io.run(); });

        std::promise<std::error_code> declared;
        engine.declare({"", "bench", io.get_executor()}, {"DeliveryBench", 1},
                       [&](std::error_code ec) { declared.set_value(ec); });
        declared.get_future().get();
        const std::string body(100, 'x');
        for (std::int64_t i = 0; i < messages; ++i) {
            store::message_to_store m;
            m.topic = "DeliveryBench";
            m.body = store::as_bytes(body);
            if (!store.put(m)) std::abort();
        }
        while (store.dispatched_offset() < store.commit_log_max_offset())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));

        std::atomic<std::int64_t> acked{0};
        std::promise<void> done;
        std::vector<std::shared_ptr<acking_sink>> sinks;
        std::vector<engine::subscription_id> ids;
        const auto start = steady::now();
        for (int c = 0; c < consumers; ++c) {
            auto sink = std::make_shared<acking_sink>(engine, acked, messages, done);
            engine::subscription_options o;
            o.topic = "DeliveryBench";
            o.group = "bench";
            o.start = engine::start_position::earliest();
            engine::operation_context ctx{"", "consumer-" + std::to_string(c), boost::asio::make_strand(io)};
            auto id = engine.subscribe(ctx, o, sink);
            if (!id) throw std::runtime_error("subscribe: " + id.error().message());
            sink->attach(*id);
            ids.push_back(*id);
            sinks.push_back(sink);
            engine.grant_credit(*id, acking_sink::window);
        }
        done.get_future().get();
        rate = static_cast<double>(messages) / std::chrono::duration<double>(steady::now() - start).count();
        for (auto id : ids) engine.unsubscribe(id);
        engine.stop();
        work.reset();
        io_thread.join();
        store.shutdown();
    }
    fs::remove_all(root);
    return rate;
}

} // namespace

int main(int argc, char** argv) {
    fs::path dir = fs::temp_directory_path();
    std::int64_t messages = 1'000'000;
    int many = 8;
    CLI::App app{"Gantry delivery benchmark: acknowledged deliveries per second"};
    app.add_option("--dir", dir, "directory for the temporary store");
    app.add_option("--messages", messages, "messages preloaded into one queue");
    app.add_option("--consumers", many, "competing consumers in the second case");
    CLI11_PARSE(app, argc, argv);
    spdlog::set_level(spdlog::level::warn);
    const double target = 500'000;
    for (int consumers : {1, many}) {
        const double rate = run(dir, messages, consumers);
        std::printf("acked deliveries, 100 B, 1 queue, %d consumer(s): %10.0f msg/s  %.2fx target (>= %.0f)\n",
                    consumers, rate, rate / target, target);
    }
    return 0;
}
