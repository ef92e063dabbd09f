#include "options.hpp"

#include <CLI/CLI.hpp>

#include <map>

namespace mqtt_load {

namespace {

void add_connection_options(CLI::App& app, connection_options& c) {
    app.add_option("-H,--host", c.host, "Broker host")->capture_default_str();
    app.add_option("-p,--port", c.port, "Broker port: MQTT, or WebSocket with --transport websocket")
        ->capture_default_str();
    app.add_option("--transport", c.transport, "tcp (libmosquitto) or websocket (subprotocol mqtt, path /mqtt)")
        ->transform(CLI::CheckedTransformer(
            std::map<std::string, transport>{{"tcp", transport::tcp}, {"websocket", transport::websocket}}))
        ->default_str("tcp");
    app.add_option("--protocol", c.protocol, "MQTT protocol level: 4 (3.1.1) or 5")
        ->check(CLI::IsMember({4, 5}))
        ->capture_default_str();
    app.add_option("--timeout", c.timeout_seconds, "Seconds to wait for CONNACK, SUBACK and the last PUBACKs")
        ->capture_default_str();
    app.add_flag("--tcp-nodelay", c.tcp_nodelay,
                 "Send each packet at once (TCP_NODELAY) instead of with Nagle's algorithm, libmosquitto's default");
}

void add_pubsub_command(CLI::App& app, options& o) {
    auto* cmd = app.add_subcommand("pubsub", "Publishers and subscribers on one topic: rate, loss, latency");
    auto& p = o.pubsub;
    cmd->add_option("-P,--publishers", p.publishers, "Publishing clients")->check(CLI::Range(1, 1000));
    cmd->add_option("-S,--subscribers", p.subscribers, "Subscribing clients")->check(CLI::Range(1, 1000));
    cmd->add_option("-q,--qos", p.qos, "QoS of publishes and subscriptions")->check(CLI::Range(0, 1));
    cmd->add_option("-s,--size", p.size, "Payload bytes (the first 8 carry the send time)")
        ->check(CLI::Range(8, 1 << 20));
    cmd->add_option("-d,--seconds", p.seconds, "Publishing time")->check(CLI::PositiveNumber);
    cmd->add_option("-r,--rate", p.rate, "Messages per second per publisher (0: as fast as the window allows)");
    cmd->add_option("-w,--window", p.window, "Messages in flight per publisher")->check(CLI::Range(1, 65535));
    cmd->add_option("-t,--topic", p.topic, "Topic");
    cmd->add_option("--drain", p.drain_seconds, "Seconds deliveries may keep arriving after publishing stops");
    cmd->add_option("--sub-host", p.subscriber_host, "Subscribers' broker host (default: --host)");
    cmd->add_option("--sub-port", p.subscriber_port, "Subscribers' broker port (default: --port), e.g. across a bridge")
        ->check(CLI::Range(1, 65535));
    cmd->add_option("--latency-log", p.latency_log,
                    "Write each delivery's publish time and latency (ns, CLOCK_MONOTONIC) to this file, a line each, "
                    "to see when the slow ones came");
    cmd->final_callback([&o] { o.mode = run_mode::pubsub; });
}

void add_idle_command(CLI::App& app, options& o) {
    auto* cmd = app.add_subcommand("idle", "Open idle connections and report the broker's RSS per connection");
    auto& i = o.idle;
    cmd->add_option("-n,--connections", i.connections, "Connections")->check(CLI::Range(1, 200'000));
    cmd->add_option("--broker-pid", i.broker_pid, "Process whose VmRSS is read")->required();
    cmd->add_option("--settle", i.settle_seconds, "Seconds between the last CONNACK and reading RSS");
    cmd->final_callback([&o] { o.mode = run_mode::idle; });
}

void add_backlog_command(CLI::App& app, options& o) {
    auto* cmd = app.add_subcommand(
        "backlog", "Fill an offline persistent session with QoS 1 messages, then drain it; broker RSS as it grows");
    auto& b = o.backlog;
    cmd->add_option("-n,--messages", b.messages, "Messages published while the subscriber is away")
        ->check(CLI::PositiveNumber);
    cmd->add_option("-s,--size", b.size, "Payload bytes")->check(CLI::Range(8, 1 << 20));
    cmd->add_option("-w,--window", b.window, "Messages in flight")->check(CLI::Range(1, 65535));
    cmd->add_option("--sample-every", b.sample_every, "Messages between RSS readings")->check(CLI::PositiveNumber);
    cmd->add_option("--broker-pid", b.broker_pid, "Process whose VmRSS is read")->required();
    cmd->add_option("-t,--topic", b.topic, "Topic");
    cmd->add_option("-i,--client-id", b.client_id, "Client id of the persistent session");
    cmd->add_option("--idle", b.idle_seconds, "Seconds without a delivery that end the drain");
    cmd->final_callback([&o] { o.mode = run_mode::backlog; });
}

} // namespace

parsed_options parse_options(int argc, char** argv) {
    parsed_options parsed;
    CLI::App app{"MQTT load generator (TCP or WebSocket); prints one 'summary key=value ...' line per run"};
    app.require_subcommand(1);
    app.fallthrough(); // connection options may follow the subcommand
    add_connection_options(app, parsed.values.connection);
    add_pubsub_command(app, parsed.values);
    add_idle_command(app, parsed.values);
    add_backlog_command(app, parsed.values);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        parsed.exit_status = app.exit(e);
    }
    return parsed;
}

} // namespace mqtt_load
