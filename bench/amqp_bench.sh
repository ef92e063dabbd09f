#!/usr/bin/env bash
# The AMQP 1.0 benchmark of issue #6: Gantry against Debian's RabbitMQ 3.10
# (rabbitmq_amqp1_0 plugin) on loopback, both driven by bench/amqp_load
# (qpid-proton C++): one sender and one receiver on a queue. Each case runs
# on a fresh gantryd and on a fresh RabbitMQ node, back to back (the order
# alternates from case to case), and prints both figures, their ratio and
# whether Gantry meets the issue's target: at least 2x RabbitMQ's
# throughput, a lower p99 latency. With -n 2 or more, a table of medians follows.
#
#   bench/amqp_bench.sh [-b build dir] [-d seconds per case] [-n runs] [-c cases] [-r rate] [-w window]
#
#   -b  Release build directory (default build/release), built here if needed
#   -d  sending time of each case, a 2 s warm-up included (default 10)
#   -n  runs of the whole table (default 1)
#   -c  comma-separated cases (default all): throughput,latency
#   -r  messages per second of the latency cases (default 5000)
#   -w  throughput cases: messages sent and not yet received (default 1000; 0: the broker's credit only)
#
# A quick run (about three minutes): bench/amqp_bench.sh -d 5
#
# Throughput: the receiver's rate after the warm-up, 100 B and 1 KiB bodies,
# at-least-once (durable messages, unsettled sends counted when accepted, the
# receiver accepts each) and at-most-once (pre-settled both ways, not
# durable), with at most -w messages in flight end to end: RabbitMQ grants a
# sender 65,536 credits, and flooded that deep its queue starves the consumer
# (a few hundred to 2,000 msg/s delivered), which measures the flood, not the
# rate it sustains. Latency: 100 B at a fixed rate, both modes.
#
# gantryd runs with its defaults (ASYNC_FLUSH). RabbitMQ runs as a private
# node from a generated setup in the temporary folder (see start_rabbitmq):
# its own node name, ports, data, logs and epmd. Every broker listens on
# free loopback ports and is stopped by its PID; so is the epmd.
set -euo pipefail

build=build/release
seconds=10
runs=1
cases=throughput,latency
rate=5000
window=1000
while getopts "b:d:n:c:r:w:" flag; do
    case $flag in
    b) build=$OPTARG ;;
    d) seconds=$OPTARG ;;
    n) runs=$OPTARG ;;
    c) cases=$OPTARG ;;
    r) rate=$OPTARG ;;
    w) window=$OPTARG ;;
    *) sed -n '2,20p' "$0" >&2; exit 2 ;;
    esac
done

rabbitmq_server=/usr/lib/rabbitmq/bin/rabbitmq-server # the real script: /usr/sbin's wrapper su's to rabbitmq
if [ ! -x "$rabbitmq_server" ]; then
    echo "RabbitMQ is not installed: run scripts/install-deps" >&2
    exit 1
fi
if pids=$(pgrep -u rabbitmq 2>/dev/null); then
    echo "Debian's RabbitMQ service runs (PIDs $(echo $pids)): stop it (kill <pid>, then" \
        "'update-rc.d rabbitmq-server disable' or 'systemctl disable rabbitmq-server') and start again" >&2
    exit 1
fi

source "$(dirname "$0")/bench_common.sh"
bench_setup "$build" amqp-bench gantryd amqp_load
port=""
address=""
nodes=0
epmd_port=$(free_port)
# The epmd the first RabbitMQ node starts: ours alone, on its own port.
stop_epmd() {
    local pid
    pid=$(ss -ltnpH "sport = :$epmd_port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
}
trap 'stop_broker; stop_epmd; rm -rf "$work"' EXIT

start_gantry() {
    stop_broker
    rm -rf "$work/gantry"
    port=$(free_port)
    address=queue://bench
    : >"$work/broker.log"
    "$bin/gantryd" --listenHost 127.0.0.1 --listenPort "$(free_port)" --amqpPort "$port" \
        --mqttPort "$(free_port)" --stompPort "$(free_port)" --websocketPort 0 --storePathRootDir "$work/gantry" \
        2>"$work/broker.log" &
    broker_pid=$!
    if ! wait_until 30 grep -q " started in " "$work/broker.log"; then
        echo "gantryd did not start within 30 s:" >&2
        tail -5 "$work/broker.log" >&2
        exit 1
    fi
}

# A node of its own each time: fresh data, the AMQP 1.0 plugin only (so no
# management listener), loopback only, logs in the temporary folder.
start_rabbitmq() {
    stop_broker
    nodes=$((nodes + 1))
    local dir=$work/rabbitmq
    rm -rf "$dir"
    mkdir -p "$dir/home" "$dir/mnesia" "$dir/log"
    echo '[rabbitmq_amqp1_0].' >"$dir/enabled_plugins"
    cat >"$dir/rabbitmq.conf" <<EOF
log.console = false
log.file.level = info
EOF
    : >"$dir/rabbitmq-env.conf" # instead of /etc/rabbitmq/rabbitmq-env.conf
    port=$(free_port)
    # RabbitMQ 3.10's plugin: /queue/NAME sends to and consumes from queue NAME, declared on demand.
    address=/queue/bench
    : >"$work/broker.log"
    HOME=$dir/home \
        RABBITMQ_NODENAME="bench-$$-$nodes@localhost" \
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
        RABBITMQ_NODE_PORT="$port" \
        RABBITMQ_DIST_PORT="$(free_port)" \
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
        ERL_EPMD_PORT="$epmd_port" \
        ERL_EPMD_ADDRESS=127.0.0.1 \
        RABBITMQ_MNESIA_BASE="$dir/mnesia" \
        RABBITMQ_LOG_BASE="$dir/log" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
        RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
        RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config" \
        RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" \
        "$rabbitmq_server" >"$work/broker.log" 2>&1 &
    broker_pid=$!
    if ! wait_until 90 grep -qs "Server startup complete" "$dir/log/bench-$$-$nodes@localhost.log"; then
        echo "RabbitMQ did not start within 90 s:" >&2
        tail -5 "$work/broker.log" "$dir/log/"*.log >&2 || true
        exit 1
    fi
}

# run_load <amqp_load arguments...>: the summary line, or the failure.
run_load() {
    local out status=0
    out=$(timeout $((seconds * 5 + 120)) "$bin/amqp_load" -p "$port" -a "$address" -d "$seconds" "$@" 2>&1) ||
        status=$?
    if [ "$status" -ne 0 ]; then
        echo "failed (exit $status): $(tail -1 <<<"$out")"
    else
        grep -E '^summary ' <<<"$out"
    fi
}

# run_both <amqp_load arguments...>: sets gantry_out and rabbitmq_out.
run_both() {
    run_alternating rabbitmq "$@"
    rabbitmq_out=$peer_out
}

row() { printf '%-44s %12s %12s %7s  %s\n' "$@"; }

details() { print_outputs gantry "$gantry_out" rabbitmq "$rabbitmq_out"; }

# verdict <row kind> <gantry> <rabbitmq>
verdict() {
    case $1 in
    throughput) times_verdict "$2" "$3" 2 ;;
    p99) lower_verdict "$2" "$3" RabbitMQ ;;
    esac
}

throughput_case() {
    local mode=$1 size=$2
    local durable=()
    [ "$mode" = at-least-once ] && durable=(--durable)
    run_both -m "$mode" -s "$size" -W "$window" "${durable[@]}"
    show throughput "1 -> 1, $size B, $mode (msg/s)" "$(field msg_per_s "$gantry_out")" \
        "$(field msg_per_s "$rabbitmq_out")"
    details
}

latency_case() {
    local mode=$1
    local durable=()
    [ "$mode" = at-least-once ] && durable=(--durable)
    run_both -m "$mode" -s 100 -r "$rate" "${durable[@]}"
    show p50 "latency p50 us, $rate msg/s, $mode" "$(field p50_us "$gantry_out")" "$(field p50_us "$rabbitmq_out")"
    show p99 "latency p99 us, $rate msg/s, $mode" "$(field p99_us "$gantry_out")" "$(field p99_us "$rabbitmq_out")"
    details
}

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "(not a git checkout)")
rabbit_version=$(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo "?")
echo "seconds per case: $seconds; runs: $runs; cases: $cases; window: $window; gantry $commit vs RabbitMQ $rabbit_version (rabbitmq_amqp1_0)"
for run in $(seq "$runs"); do
    echo "run $run of $runs; $(uptime | sed 's/.*load/load/')"
    row "case" "gantry" "rabbitmq" "ratio" "target"
    for c in ${cases//,/ }; do
        case $c in
        throughput)
            for mode in at-least-once at-most-once; do
                for size in 100 1024; do throughput_case "$mode" "$size"; done
            done
            ;;
        latency)
            latency_case at-least-once
            latency_case at-most-once
            ;;
        *) echo "unknown case $c (throughput, latency)" >&2; exit 2 ;;
        esac
    done
done

if [ "$runs" -gt 1 ]; then
    print_medians rabbitmq "$runs"
fi
