#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mqtt_load {

// MQTT over TCP (libmosquitto) or over WebSocket (subprotocol "mqtt").
enum class transport { tcp, websocket };

struct connection_options {
    std::string host = "127.0.0.1";
    int port = 1883;
    mqtt_load::transport transport = transport::tcp;
    int protocol = 4; // MQTT 3.1.1
    int keepalive = 60;
    double timeout_seconds = 10; // for CONNACK, SUBACK, the last PUBACKs
    bool tcp_nodelay = false;    // libmosquitto's default; the WebSocket client always sets it
};

struct pubsub_options {
    int publishers = 1;
    int subscribers = 1;
    int qos = 0;
    int size = 100;
    double seconds = 10;
    double rate = 0; // messages per second per publisher; 0: as fast as the window allows
    int window = 64;
    std::string topic = "bench/load";
    double drain_seconds = 10; // after the publishers stop, while deliveries still arrive
    // The subscribers' broker when it is not the publishers' (the far end of
    // a bridge); transport and protocol stay the connection's.
    std::string subscriber_host; // empty: the connection's host
    int subscriber_port = 0;     // 0: the connection's port
    // A file for every delivery's publish time and latency, a line each
    // ("<ns> <ns>", CLOCK_MONOTONIC); empty: none. Kept in memory until the
    // run ends: 16 bytes a delivery.
    std::string latency_log;
};

struct idle_options {
    int connections = 10'000;
    int broker_pid = 0;
    double settle_seconds = 2;
};

struct backlog_options {
    std::int64_t messages = 1'000'000;
    int size = 100;
    int window = 64;
    std::int64_t sample_every = 100'000;
    int broker_pid = 0;
    std::string topic = "bench/backlog";
    std::string client_id = "mqtt-load-backlog";
    double idle_seconds = 10; // a drain with no delivery for this long is over
};

enum class run_mode { pubsub, idle, backlog };

struct options {
    run_mode mode = run_mode::pubsub;
    connection_options connection;
    pubsub_options pubsub;
    idle_options idle;
    backlog_options backlog;
};

// The options, or the exit status when the command line asked for help or was wrong.
struct parsed_options {
    options values;
    std::optional<int> exit_status;
};

parsed_options parse_options(int argc, char** argv);

} // namespace mqtt_load
