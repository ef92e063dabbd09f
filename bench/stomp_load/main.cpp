// STOMP load generator for bench/stomp_bench.sh (issue #7): one producer
// and one consumer (ack:auto) on a queue, over Boost.Asio with Gantry's own
// STOMP codec. Throughput is what the consumer receives per second after a
// warm-up; with -r the producer sends at a fixed rate and the consumer
// measures end-to-end latency from the send time carried in each body.
//
//   stomp_load -p 61613 -s 100 -d 10                  (throughput, no receipts)
//   stomp_load -p 61613 -s 1024 -d 10 --receipts      (a RECEIPT per SEND, window 1000)
//   stomp_load -p 61613 -s 100 -d 10 -r 5000         (fixed rate: latency)
//
// Prints one "summary mode=queue ..." line. Exits 1 with one line on stderr
// when the broker refuses (ERROR), drops a connection or does not answer in
// time (--timeout).
#include <cstdio>
#include <exception>

#include "options.hpp"
#include "queue_run.hpp"

int main(int argc, char** argv) {
    const auto parsed = stomp_load::parse_options(argc, argv);
    if (parsed.exit_status) return *parsed.exit_status;
    try {
        stomp_load::run_queue(parsed.values.connection, parsed.values.queue);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "stomp_load: %s\n", e.what());
        return 1;
    }
    return 0;
}
