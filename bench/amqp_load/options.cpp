#include "options.hpp"

#include <map>

#include <CLI/CLI.hpp>

namespace amqp_load {

const char* to_string(delivery d) { return d == delivery::at_most_once ? "at-most-once" : "at-least-once"; }

parsed_options parse_options(int argc, char** argv) {
    parsed_options parsed;
    auto& o = parsed.values;
    CLI::App app{"AMQP 1.0 load generator on qpid-proton: one sender and one receiver on a queue; "
                 "prints one 'summary key=value ...' line per run"};
    app.add_option("-H,--host", o.host, "Broker host")->capture_default_str();
    app.add_option("-p,--port", o.port, "Broker AMQP port")->capture_default_str();
    app.add_option("--user", o.user, "SASL PLAIN user (default: anonymous)");
    app.add_option("--password", o.password, "SASL PLAIN password");
    app.add_option("-a,--address", o.address,
                   "Queue address: queue://bench for Gantry, /queue/bench for RabbitMQ's AMQP 1.0 plugin")
        ->capture_default_str();
    const std::map<std::string, delivery> modes{{"at-least-once", delivery::at_least_once},
                                                {"at-most-once", delivery::at_most_once}};
    app.add_option("-m,--mode", o.mode,
                   "at-least-once: unsettled sends counted when accepted, the receiver accepts each; "
                   "at-most-once: pre-settled both ways")
        ->transform(CLI::CheckedTransformer(modes))
        ->capture_default_str();
    app.add_option("-s,--size", o.size, "Body bytes (the first 8 carry the send time)")
        ->check(CLI::Range(8, 1 << 20))
        ->capture_default_str();
    app.add_flag("--durable", o.durable, "Mark messages durable (header)");
    app.add_option("-d,--seconds", o.seconds, "Sending time, warm-up included")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("-w,--warmup", o.warmup, "Seconds left out of msg_per_s and the latencies")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    app.add_option("-r,--rate", o.rate, "Messages per second (0: as fast as credit allows); for latency")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    app.add_option("-c,--credit", o.credit, "Receiver credit window")->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    app.add_option("-W,--window", o.window,
                   "At most this many messages sent and not yet received (0: only the broker's credit bounds them)")
        ->check(CLI::Range(0, 10'000'000))
        ->capture_default_str();
    app.add_option("-t,--threads", o.threads, "1: one proton container for both connections; 2: one each")
        ->check(CLI::IsMember({1, 2}))
        ->capture_default_str();
    app.add_option("--timeout", o.timeout, "Seconds for connections and links to open and to close")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--drain", o.drain, "Seconds without a delivery that end the wait for the last messages")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    try {
        app.parse(argc, argv);
        if (o.warmup >= o.seconds) throw CLI::ValidationError("--warmup", "must be shorter than --seconds");
    } catch (const CLI::ParseError& e) {
        parsed.exit_status = app.exit(e);
    }
    return parsed;
}

} // namespace amqp_load
