#!/usr/bin/env bash
# The MQTT over WebSocket benchmark of issue #8: Gantry's WebSocket listener
# against Debian's Mosquitto 2.0 websockets listener on loopback, both driven
# by bench/mqtt_load --transport websocket (Boost.Beast, one MQTT packet per
# WebSocket message, as browsers' clients send them): one publisher, one
# subscriber, 100 B, QoS 0. Each case runs on a fresh gantryd and on a fresh
# mosquitto, back to back (which goes first alternates from case to case and
# from run to run), and prints both figures, their ratio and whether Gantry
# meets the issue's target: at least 1.2x Mosquitto's throughput, a p99
# latency no worse. With -n 2 or more, a table of medians follows.
#
#   bench/mqtt_ws_bench.sh [-b build dir] [-d seconds per case] [-n runs] [-c cases] [-r rate]
#
#   -b  Release build directory (default build/release), built here if needed
#   -d  publishing time of each case (default 10)
#   -n  runs of the whole table (default 1)
#   -c  comma-separated cases (default all): throughput,latency
#   -r  messages per second of the latency case (default 5000)
#
# A quick run (about a minute): bench/mqtt_ws_bench.sh -d 3
#
# Throughput: messages delivered per second from the first publish to the
# last delivery, the publisher going as fast as a window of 64 messages not
# yet written allows. Latency: p50 and p99 of the time from publish to
# delivery (the payload carries the send time) at a fixed rate.
#
# gantryd runs with its defaults (ASYNC_FLUSH: every publish is appended to
# the commit log before it is delivered), mosquitto with the generated
# configuration of start_mosquitto in bench/mqtt_brokers.sh, in memory only.
# Each also has an MQTT TCP listener, which it needs and nothing uses. Every
# broker listens on free loopback ports, keeps its data in a temporary folder
# removed at the end, and is stopped by its PID.
set -euo pipefail

build=build/release
seconds=10
runs=1
cases=throughput,latency
rate=5000
while getopts "b:d:n:c:r:" flag; do
    case $flag in
    b) build=$OPTARG ;;
    d) seconds=$OPTARG ;;
    n) runs=$OPTARG ;;
    c) cases=$OPTARG ;;
    r) rate=$OPTARG ;;
    *) sed -n '2,19p' "$0" >&2; exit 2 ;;
    esac
done

source "$(dirname "$0")/bench_common.sh"
bench_setup "$build" mqtt-ws-bench gantryd mqtt_load
source "$(dirname "$0")/mqtt_brokers.sh"
transport=websocket
port=""

# run_both <mqtt_load arguments...>: sets gantry_out and mosquitto_out.
run_both() {
    run_alternating mosquitto "$@"
    mosquitto_out=$peer_out
}

row() { printf '%-40s %12s %12s %7s  %s\n' "$@"; }

details() { print_outputs gantry "$gantry_out" mosquitto "$mosquitto_out"; }

# verdict <row kind> <gantry> <mosquitto>
verdict() {
    case $1 in
    throughput) times_verdict "$2" "$3" 1.2 ;;
    p99) lower_verdict "$2" "$3" Mosquitto or-equal ;;
    esac
}

throughput_case() {
    run_both pubsub -d "$seconds" -q 0 -s 100
    show throughput "1 -> 1, 100 B, QoS 0 (msg/s)" "$(field msg_per_s "$gantry_out")" \
        "$(field msg_per_s "$mosquitto_out")"
    details
}

latency_case() {
    run_both pubsub -d "$seconds" -q 0 -s 100 -r "$rate"
    show p50 "latency p50 us, $rate msg/s, QoS 0" "$(field p50_us "$gantry_out")" "$(field p50_us "$mosquitto_out")"
    show p99 "latency p99 us, $rate msg/s, QoS 0" "$(field p99_us "$gantry_out")" "$(field p99_us "$mosquitto_out")"
    details
}

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "(not a git checkout)")
echo "seconds per case: $seconds; runs: $runs; cases: $cases; gantry $commit vs $(/usr/sbin/mosquitto -h | head -1)" \
    "(websockets)"
for run in $(seq "$runs"); do
    echo "run $run of $runs; $(uptime | sed 's/.*load/load/')"
    order=$run
    row "case" "gantry" "mosquitto" "ratio" "target"
    for c in ${cases//,/ }; do
        case $c in
        throughput) throughput_case ;;
        latency) latency_case ;;
        *) echo "unknown case $c (throughput, latency)" >&2; exit 2 ;;
        esac
    done
done

if [ "$runs" -gt 1 ]; then
    print_medians mosquitto "$runs"
fi
