#pragma once

#include <optional>
#include <string>

namespace stomp_load {

struct connection_options {
    std::string host = "127.0.0.1";
    int port = 61613;
    std::string login;
    std::string passcode;
    double timeout_seconds = 10; // for CONNECTED, the subscription's RECEIPT, the last RECEIPTs
};

struct queue_options {
    std::string queue; // empty: stomp-load-<pid>, a queue no earlier run used
    int size = 100;
    double seconds = 10;
    double warmup_seconds = 2; // sent and received, not measured
    double rate = 0;           // SENDs per second; 0: as fast as the broker takes them
    bool receipts = false;     // a receipt header on every SEND
    int window = 1000;         // SENDs awaiting their RECEIPT before the next may go
    std::string persistent;    // the persistent header: true, false or empty (none: ActiveMQ then keeps
                               // the message in memory, Gantry stores it)
    int prefetch = 1000;       // the subscription's activemq.prefetchSize
    double drain_seconds = 30; // after sending stops, while deliveries still arrive
};

struct options {
    connection_options connection;
    queue_options queue;
};

// The options, or the exit status when the command line asked for help or was wrong.
struct parsed_options {
    options values;
    std::optional<int> exit_status;
};

parsed_options parse_options(int argc, char** argv);

} // namespace stomp_load
