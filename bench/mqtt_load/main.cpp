// MQTT load generator for bench/mqtt_bench.sh (issue #5, over TCP with
// libmosquitto) and bench/mqtt_ws_bench.sh (issue #8, over WebSocket with
// Boost.Beast and Gantry's MQTT codec): throughput and latency with
// publishers and subscribers on one topic, the broker's memory per idle
// connection, an offline session's backlog.
//
//   mqtt_load -p 1883 pubsub -P 1 -S 10 -q 0 -s 100 -d 10
//   mqtt_load -p 1883 pubsub -q 1 -r 5000 -d 10            (fixed rate: latency)
//   mqtt_load -p 1883 idle -n 10000 --broker-pid PID
//   mqtt_load -p 1883 backlog -n 1000000 --broker-pid PID
//   mqtt_load -p 8080 --transport websocket pubsub -q 0 -s 100 -d 10
//
// Exits 1 with one line on stderr when a broker refuses, does not answer in
// time (--timeout) or drops a connection.
#include <mosquitto.h>

#include <cstdio>
#include <exception>

#include "backlog_run.hpp"
#include "idle_run.hpp"
#include "options.hpp"
#include "pubsub_run.hpp"

namespace {

void run(const mqtt_load::options& o) {
    switch (o.mode) {
    case mqtt_load::run_mode::pubsub: mqtt_load::run_pubsub(o.connection, o.pubsub); return;
    case mqtt_load::run_mode::idle: mqtt_load::run_idle(o.connection, o.idle); return;
    case mqtt_load::run_mode::backlog: mqtt_load::run_backlog(o.connection, o.backlog); return;
    }
}

} // namespace

int main(int argc, char** argv) {
    const auto parsed = mqtt_load::parse_options(argc, argv);
    if (parsed.exit_status) return *parsed.exit_status;
    mosquitto_lib_init();
    int status = 0;
    try {
        run(parsed.values);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mqtt_load: %s\n", e.what());
        status = 1;
    }
    mosquitto_lib_cleanup();
    return status;
}
