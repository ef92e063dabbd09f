// AMQP 1.0 load generator on qpid-proton's C++ API for bench/amqp_bench.sh
// (issue #6): one sender and one receiver on a queue, at-least-once or
// at-most-once, as fast as credit allows or at a fixed rate (latency).
//
//   amqp_load -p 5672 -a queue://bench -m at-least-once -s 100 -d 10
//   amqp_load -p 5672 -a /queue/bench -m at-most-once -r 5000 -d 10     (RabbitMQ, fixed rate)
//
// Exits 1 with one line on stderr when a broker refuses a connection, a link
// or a message, drops a connection, or does not answer in time (--timeout).
#include <cstdio>
#include <exception>

#include "options.hpp"
#include "queue_run.hpp"

int main(int argc, char** argv) {
    const auto parsed = amqp_load::parse_options(argc, argv);
    if (parsed.exit_status) return *parsed.exit_status;
    try {
        amqp_load::run_queue(parsed.values);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "amqp_load: %s\n", e.what());
        return 1;
    }
    return 0;
}
