#!/usr/bin/env bash
# The native protocol's benchmark (issue #4): a Release gantryd and the
# `gantry bench` client on loopback, sharing this machine, for each case of
# docs/benchmarks.md. Prints each case's summary line.
#
#   bench/native_bench.sh [build dir, default build/release] [seconds per case, default 10]
#
# Builds gantryd and gantry there (Release) if needed. Every gantryd runs on a
# free loopback port with a data directory under a temporary folder that is
# removed at the end; each is stopped by its PID.
set -euo pipefail

build=${1:-build/release}
seconds=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGANTRY_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target gantryd gantry >/dev/null
bin=$(cd "$build/bin" && pwd)
work=$(mktemp -d /var/tmp/gantry-native-bench.XXXXXX)
broker_pid=""

stop_broker() {
    if [ -n "$broker_pid" ]; then
        kill "$broker_pid" 2>/dev/null || true
        wait "$broker_pid" 2>/dev/null || true
        broker_pid=""
    fi
}
trap 'stop_broker; rm -rf "$work"' EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_broker <flushDiskType>: a fresh gantryd with an 8-queue BenchmarkTest topic.
start_broker() {
    stop_broker
    rm -rf "$work/data"
    port=$(free_port)
    "$bin/gantryd" --listenHost 127.0.0.1 --listenPort "$port" --storePathRootDir "$work/data" \
        --flushDiskType "$1" 2>"$work/gantryd.log" &
    broker_pid=$!
    for _ in $(seq 100); do
        grep -q started "$work/gantryd.log" && break
        sleep 0.1
    done
    gantry topic create BenchmarkTest -q 8 >/dev/null
}

gantry() { "$bin/gantry" -n "127.0.0.1:$port" "$@"; }

case_line() { printf '%-46s ' "$1"; }

for flush in ASYNC_FLUSH SYNC_FLUSH; do
    for size in 1024 100; do
        start_broker "$flush"
        case_line "produce $size B, $flush, 32 in flight"
        gantry bench produce -s "$size" -i 32 -d "$seconds" | grep '^summary'
        if [ "$flush" = ASYNC_FLUSH ]; then
            count=$(gantry topic describe BenchmarkTest | awk '/^broker/ && NF==4 {n += $4} END {print n}')
            case_line "consume (pull) $size B, $count backlog"
            gantry bench consume --from first -c "$count" -d 60 | grep '^summary'
        fi
    done
done

# Long-poll wake-up: a consumer waiting on empty queues, a producer sending
# 2,000 msg/s one at a time; latency is send to arrival at the consumer.
start_broker ASYNC_FLUSH
gantry bench consume --from last -d $((seconds + 3)) >"$work/consume.txt" &
consumer=$!
sleep 2
gantry bench produce -s 100 -i 1 -r 2000 -d "$seconds" >/dev/null
wait "$consumer"
case_line "long-poll wake-up, 2,000 msg/s, 100 B"
grep '^summary' "$work/consume.txt"
