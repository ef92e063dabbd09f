// Sends messages with Gantry's native C++ client: plainly (round-robin over
// the topic's queues) or, with --ordered, in order per order id: every
// message of one order lands in the same queue, so an orderly consumer sees
// "created, paid, shipped" in that order.
//
//   native_producer [-n 127.0.0.1:10911] [-t Orders] [-c 10] [--ordered]

#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "gantry/protocols/remoting/client/producer.hpp"

namespace client = gantry::protocols::remoting::client;

int main(int argc, char** argv) {
    std::string name_server = "127.0.0.1:10911"; // gantryd answers as a name server itself
    std::string topic = "Orders";
    int count = 10;
    bool ordered = false;
    CLI::App app{"Send messages to a Gantry topic"};
    app.add_option("-n,--namesrv", name_server, "Name server (or gantryd) address")->capture_default_str();
    app.add_option("-t,--topic", topic, "Topic")->capture_default_str();
    app.add_option("-c,--count", count, "Orders to send (three messages each when ordered)")->capture_default_str();
    app.add_flag("--ordered", ordered, "Keep each order's messages in one queue, in order");
    CLI11_PARSE(app, argc, argv);

    client::client_options options;
    options.name_servers = {name_server};
    client::client_runtime runtime(options);
    client::producer_options producer_options;
    producer_options.group = "example-producer";
    client::producer producer(runtime, producer_options);

    for (int order = 0; order < count; ++order) {
        const std::string order_id = "order-" + std::to_string(order);
        for (const char* step : {"created", "paid", "shipped"}) {
            client::message m;
            m.topic = topic;
            m.body = order_id + " " + step;
            m.tags = step;
            m.keys = order_id;
            auto sent = ordered ? producer.send_ordered(m, order_id) : producer.send(m);
            if (!sent) {
                std::cerr << "cannot send " << m.body << ": " << sent.error().message() << '\n';
                return 1;
            }
            std::cout << m.body << " -> queue " << sent->queue.queue_id << " offset " << sent->queue_offset << '\n';
            if (!ordered) break; // plain mode: one message per order
        }
    }
    runtime.stop();
    return 0;
}
