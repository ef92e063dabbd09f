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
source "$(dirname "$0")/bench_common.sh"
bench_setup "$build" native-bench gantryd gantry

# start_broker <flushDiskType>: a fresh gantryd with an 8-queue BenchmarkTest topic.
start_broker() {
    stop_broker
    rm -rf "$work/data"
    port=$(free_port)
    "$bin/gantryd" --listenHost 127.0.0.1 --listenPort "$port" \
        --mqttPort 0 --stompPort 0 --amqpPort 0 --websocketPort 0 --storePathRootDir "$work/data" \
        --flushDiskType "$1" 2>"$work/gantryd.log" &
    broker_pid=$!
    wait_until 10 grep -q " started in " "$work/gantryd.log"
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
