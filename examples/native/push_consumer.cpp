// Consumes a topic with Gantry's native C++ push consumer: the group's
// consumers share the topic's queues and re-balance as they come and go.
// Plain mode consumes on several threads; --orderly locks each queue and
// consumes its messages one at a time, in order. A failed message would be
// returned with retry_later (concurrent) or suspend_current_queue (orderly)
// and come back through %RETRY%<group>.
//
//   native_push_consumer [-n 127.0.0.1:10911] [-t Orders] [-g example-consumers] [--orderly] [-s 30]

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>

#include "gantry/protocols/remoting/client/push_consumer.hpp"

namespace client = gantry::protocols::remoting::client;

namespace {

std::atomic<bool> stop_requested{false};
std::mutex print_mutex;

void print(const std::vector<client::received_message>& batch) {
    std::lock_guard lock(print_mutex);
    for (const auto& m : batch)
        std::cout << "queue " << m.queue_id << " offset " << m.queue_offset << ": " << m.body << '\n' << std::flush;
}

} // namespace

int main(int argc, char** argv) {
    std::string name_server = "127.0.0.1:10911";
    std::string topic = "Orders";
    std::string group = "example-consumers";
    bool orderly = false;
    int seconds = 30;
    CLI::App app{"Consume a Gantry topic as a member of a consumer group"};
    app.add_option("-n,--namesrv", name_server, "Name server (or gantryd) address")->capture_default_str();
    app.add_option("-t,--topic", topic, "Topic")->capture_default_str();
    app.add_option("-g,--group", group, "Consumer group")->capture_default_str();
    app.add_flag("--orderly", orderly, "Consume each queue in order");
    app.add_option("-s,--seconds", seconds, "Stop after this long (or at Ctrl-C)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    std::signal(SIGINT, [](int) { stop_requested = true; });

    client::client_options options;
    options.name_servers = {name_server};
    client::client_runtime runtime(options);
    client::push_consumer_options consumer_options;
    consumer_options.group = group;
    consumer_options.start = client::consume_from::first_offset;
    client::push_consumer consumer(runtime, consumer_options);
    consumer.subscribe(topic, "*");
    if (orderly) {
        consumer.listen_orderly([](const auto& batch) {
            print(batch);
            return client::orderly_status::success;
        });
    } else {
        consumer.listen([](const auto& batch) {
            print(batch);
            return client::consume_status::success;
        });
    }
    if (const auto error = consumer.start()) {
        std::cerr << "cannot start consuming " << topic << ": " << error.message() << '\n';
        return 1;
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (!stop_requested && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    consumer.shutdown(); // commits offsets and leaves the group
    runtime.stop();
    return 0;
}
