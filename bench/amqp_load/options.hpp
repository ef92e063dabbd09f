#pragma once

#include <optional>
#include <string>

namespace amqp_load {

enum class delivery { at_least_once, at_most_once };

struct options {
    std::string host = "127.0.0.1";
    int port = 5672;
    std::string user;     // empty: SASL ANONYMOUS (or none), as the broker offers
    std::string password;
    // Gantry: queue://bench; RabbitMQ 3.10's AMQP 1.0 plugin: /queue/bench (declared on demand).
    std::string address = "queue://bench";
    delivery mode = delivery::at_least_once;
    int size = 100;
    bool durable = false;     // the message header's durable flag
    double seconds = 10;      // sending time, warm-up included
    double warmup = 2;        // seconds not counted in msg_per_s nor in the latencies
    double rate = 0;          // messages per second; 0: as fast as the broker's credit allows
    int credit = 1000;        // the receiver's credit window
    int window = 0;           // messages sent and not yet received; 0: only the broker's credit bounds them
    int threads = 2;          // 1: both connections on one proton container; 2: one container (and thread) each
    double timeout = 10;      // seconds for the connections and links to open, and to close
    double drain = 10;        // seconds without a delivery that end the wait for the last ones
};

// The options, or the exit status when the command line asked for help or was wrong.
struct parsed_options {
    options values;
    std::optional<int> exit_status;
};

parsed_options parse_options(int argc, char** argv);

const char* to_string(delivery d);

} // namespace amqp_load
