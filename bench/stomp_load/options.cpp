#include "options.hpp"

#include <CLI/CLI.hpp>

namespace stomp_load {

parsed_options parse_options(int argc, char** argv) {
    parsed_options parsed;
    auto& c = parsed.values.connection;
    auto& q = parsed.values.queue;
    CLI::App app{"STOMP load generator: one producer and one consumer on a queue; prints one "
                 "'summary key=value ...' line per run"};
    app.add_option("-H,--host", c.host, "Broker host")->capture_default_str();
    app.add_option("-p,--port", c.port, "Broker STOMP port")->check(CLI::Range(1, 65535))->capture_default_str();
    app.add_option("--login", c.login, "CONNECT login (none by default)");
    app.add_option("--passcode", c.passcode, "CONNECT passcode");
    app.add_option("--timeout", c.timeout_seconds, "Seconds to wait for CONNECTED and RECEIPTs")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();

    app.add_option("-q,--queue", q.queue, "Queue name, sent to /queue/<name> (default: stomp-load-<pid>)");
    app.add_option("-s,--size", q.size, "Body bytes (the first 20 carry the send time)")
        ->check(CLI::Range(24, 1 << 20))
        ->capture_default_str();
    app.add_option("-d,--seconds", q.seconds, "Measured sending time, after the warm-up")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--warmup", q.warmup_seconds, "Seconds sent and received before measuring")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    app.add_option("-r,--rate", q.rate, "SENDs per second (0: as fast as the broker takes them)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    app.add_flag("--receipts", q.receipts, "Ask for a RECEIPT on every SEND");
    app.add_option("-w,--window", q.window, "SENDs awaiting their RECEIPT before the next may go")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    app.add_option("--persistent", q.persistent, "The SENDs' persistent header (default: none, the broker's default)")
        ->check(CLI::IsMember({"true", "false"}));
    app.add_option("--prefetch", q.prefetch, "The subscription's activemq.prefetchSize")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    app.add_option("--drain", q.drain_seconds, "Seconds deliveries may keep arriving after sending stops")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        parsed.exit_status = app.exit(e);
    }
    return parsed;
}

} // namespace stomp_load
