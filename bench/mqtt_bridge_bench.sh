#!/usr/bin/env bash
# The MQTT bridge benchmark of issue #9: messages per second through an
# outbound bridge, Gantry's against Mosquitto's own, on loopback. One
# publisher (bench/mqtt_load) publishes QoS 1 messages to the local broker,
# whose bridge forwards them to a remote Debian mosquitto ("B"), where one
# subscriber (QoS 1) counts what arrives:
#
#   gantry:    mqtt_load -> gantryd, [[bridge]] "bench/# out 1"        -> mosquitto B -> mqtt_load
#   mosquitto: mqtt_load -> mosquitto A, "topic bench/# out 1" bridge  -> mosquitto B -> mqtt_load
#
# Each run measures both setups back to back on fresh brokers (which goes
# first alternates from run to run) and prints both rates, their ratio,
# whether Gantry meets the issue's target (at least 1.5x Mosquitto's bridge)
# and what each run lost. Each run also measures mosquitto B alone (the
# publisher on B itself, no bridge), a reference for what B allows: a bridged
# message costs B a QoS 1 publish in and a QoS 1 delivery out, as there. With
# -n 2 or more, a table of medians follows.
#
#   bench/mqtt_bridge_bench.sh [-b build dir] [-d seconds] [-n runs] [-v protocol] [-s bytes] [-w window]
#
#   -b  Release build directory (default build/release), built here if needed
#   -d  publishing time of each run (default 10)
#   -n  runs (default 1)
#   -v  MQTT version both bridges speak to B: 3.1.1 (default) or 5.0
#   -s  payload bytes (default 100)
#   -w  QoS 1 messages each bridge may have unacknowledged by B (default 64):
#       Gantry's maxInflight, mosquitto A's max_inflight_messages
#
# A quick run (under a minute): bench/mqtt_bridge_bench.sh -d 3
#
# The rate is messages delivered to B's subscriber from the first publish to
# the last delivery: what the local broker accepted faster than its bridge
# forwarded counts against it. After publishing stops, the run waits until
# the subscriber has every message, nothing arrived for 10 s, or 10 s + 3x
# the publishing time passed; what did not arrive is reported as lost.
#
# Both bridges keep a persistent session on B (clean session off), have up
# to 64 (-w) QoS 1 messages unacknowledged (Gantry's maxInflight;
# Mosquitto's max_inflight_messages, which its bridge obeys too) and drop
# nothing: Mosquitto A and B queue without limit (max_queued_messages 0),
# gantryd reads the bridged topics from its commit log. gantryd runs with its
# defaults (ASYNC_FLUSH); the mosquittos in memory, with the configuration of
# launch_mosquitto in bench/mqtt_brokers.sh plus the bridge's lines. Every
# broker listens on a free loopback port, keeps its data in a temporary
# folder removed at the end, and is stopped by its PID.
set -euo pipefail

build=build/release
seconds=10
runs=1
version=3.1.1
size=100
window=64
while getopts "b:d:n:v:s:w:" flag; do
    case $flag in
    b) build=$OPTARG ;;
    d) seconds=$OPTARG ;;
    n) runs=$OPTARG ;;
    v) version=$OPTARG ;;
    s) size=$OPTARG ;;
    w) window=$OPTARG ;;
    *) sed -n '2,28p' "$0" >&2; exit 2 ;;
    esac
done
case $version in
3.1.1) mosquitto_version=mqttv311 ;;
5.0) mosquitto_version=mqttv50 ;;
*) echo "-v: 3.1.1 or 5.0, not $version" >&2; exit 2 ;;
esac

source "$(dirname "$0")/bench_common.sh"
bench_setup "$build" mqtt-bridge-bench gantryd mqtt_load
source "$(dirname "$0")/mqtt_brokers.sh"
transport=tcp
port=""
gantry_client=gantry-bridge-bench
mosquitto_client=mosquitto-bridge-bench

# start_remote: mosquitto B, logging connections so a bridge's arrival shows.
start_remote() {
    start_peer_mosquitto remote "log_type notice"
    remote_pid=${peer_pids[-1]}
}

# wait_for_bridge <client id>: until B logged the bridge's connection.
wait_for_bridge() {
    if ! wait_until 15 grep -q " as $1 " "$work/remote.log"; then
        echo "the bridge $1 did not reach mosquitto B within 15 s:" >&2
        tail -5 "$work/remote.log" "$work/broker.log" "$work/mosquitto.log" 2>/dev/null >&2
        exit 1
    fi
}

start_gantry_bridge() {
    start_remote
    cat >"$work/gantry.toml" <<TOML
[[bridge]]
name = "bench"
type = "mqtt"
addresses = ["127.0.0.1:$peer_port"]
clientId = "$gantry_client"
protocolVersion = "$version"
cleanStart = false
topics = ["bench/# out 1"]
maxInflight = $window
reconnectMin = 200
reconnectMax = 1000
TOML
    start_gantry -c "$work/gantry.toml"
    wait_for_bridge "$gantry_client"
    wait_until 15 grep -q "bridge 'bench' connected" "$work/broker.log"
}

start_mosquitto_bridge() {
    start_remote
    start_mosquitto memory \
        "max_inflight_messages $window" \
        "connection bench" \
        "address 127.0.0.1:$peer_port" \
        "remote_clientid $mosquitto_client" \
        "bridge_protocol_version $mosquitto_version" \
        "cleansession false" \
        "try_private true" \
        "notifications false" \
        "restart_timeout 1" \
        "topic bench/# out 1"
    wait_for_bridge "$mosquitto_client"
}

# measure <gantry|mosquitto>: sets <broker>_out to the summary line (or the
# failure) and <broker>_cpu to the CPU seconds of the local broker and of B.
measure() {
    local out cpu
    "start_$1_bridge"
    out=$(run_load pubsub -d "$seconds" -q 1 -s "$size" -t bench/load --sub-port "$peer_port")
    cpu="CPU: local broker $(cpu_seconds "$broker_pid") s, mosquitto B $(cpu_seconds "$remote_pid") s"
    stop_broker
    stop_peers
    printf -v "$1_out" '%s' "$out"
    printf -v "$1_cpu" '%s' "$cpu"
}

# measure_remote_alone: sets remote_out to B's own 1 -> 1 summary line and
# remote_cpu to its CPU seconds.
measure_remote_alone() {
    start_remote
    port=$peer_port
    remote_out=$(run_load pubsub -d "$seconds" -q 1 -s "$size" -t bench/load)
    remote_cpu="CPU: mosquitto B $(cpu_seconds "$remote_pid") s"
    stop_peers
    remote_rates+=("$(field msg_per_s "$remote_out")")
}
remote_rates=()

row() { printf '%-42s %12s %12s %7s  %s\n' "$@"; }

verdict() {
    case $1 in
    bridge) times_verdict "$2" "$3" 1.5 ;;
    esac
}

# phases <summary line>: the local broker's intake, and the deliveries at B
# while the publisher ran and after it stopped (the backlog drained).
phases() {
    awk -v pub="$(field publish_msg_per_s "$1")" -v ps="$(field publish_seconds "$1")" \
        -v during="$(field received_while_publishing "$1")" -v total="$(field received "$1")" \
        -v s="$(field seconds "$1")" 'BEGIN {
            if (ps == "") exit
            printf "accepted %.0f msg/s; delivered at B %.0f msg/s while publishing", pub, during / ps
            if (s > ps + 0.05) printf ", %.0f msg/s for %.1f s after", (total - during) / (s - ps), s - ps
        }'
}

details() {
    local b out
    for b in gantry mosquitto; do
        out=${b}_out
        out=${!out}
        printf '    %-10s %s\n' "$b:" "$out"
        local cpu=${b}_cpu
        printf '    %-10s %s; %s\n' "" "${!cpu}" "$(phases "$out")"
    done
    printf '    %-10s %s\n' "B alone:" "$remote_out"
    printf '    %-10s %s\n' "" "$remote_cpu"
}

losses=()
record_losses() {
    local b out lost
    for b in gantry mosquitto; do
        out=${b}_out
        lost=$(field lost "${!out}")
        if [ -z "$lost" ]; then
            losses+=("run $run, $b: failed")
        elif [ "$lost" != 0 ]; then
            losses+=("run $run, $b: $lost of $(field sent "${!out}") not delivered")
        fi
    done
}

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "(not a git checkout)")
echo "seconds per run: $seconds; runs: $runs; $size B, QoS 1; bridges speak MQTT $version to B, window $window;" \
    "gantry $commit vs $(/usr/sbin/mosquitto -h | head -1)"
label="through the bridge, $size B, QoS 1 (msg/s)"
for run in $(seq "$runs"); do
    echo "run $run of $runs; $(uptime | sed 's/.*load/load/')"
    if [ $((run % 2)) -eq 1 ]; then
        measure gantry
        measure mosquitto
    else
        measure mosquitto
        measure gantry
    fi
    measure_remote_alone
    row "case" "gantry" "mosquitto" "ratio" "target"
    show bridge "$label" "$(field msg_per_s "$gantry_out")" "$(field msg_per_s "$mosquitto_out")"
    row "mosquitto B alone, no bridge (msg/s)" "" "$(field msg_per_s "$remote_out")" "" \
        "(reference)"
    details
    record_losses
done

if [ "$runs" -gt 1 ]; then
    print_medians mosquitto "$runs"
    row "mosquitto B alone, no bridge (msg/s)" "" "$(printf '%s\n' "${remote_rates[@]}" | awk 'NF' | median)" "" \
        "(reference)"
fi
if [ ${#losses[@]} -eq 0 ]; then
    echo "losses: none (every run delivered every message published)"
else
    printf 'losses: %s\n' "${losses[@]}"
fi
