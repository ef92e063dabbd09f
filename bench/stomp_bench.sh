#!/usr/bin/env bash
# The STOMP benchmark of issue #7: Gantry against ActiveMQ Classic (Debian's
# `activemq`, scripts/install-bench-deps) on loopback, both driven by
# bench/stomp_load (Boost.Asio and Gantry's own STOMP codec). Each case runs
# on a fresh gantryd, then on a fresh ActiveMQ, back to back, and prints
# both figures, their ratio and whether Gantry meets the issue's target.
#
#   bench/stomp_bench.sh [-b build dir | -B bin dir] [-d seconds] [-w seconds] [-j seconds] [-c cases] [-r rate]
#
#   -b  Release build directory (default build/release), built here if needed
#   -B  prebuilt gantryd and stomp_load instead (nothing is built), to keep
#       one build while the working tree moves
#   -d  measured time of each case (default 10)
#   -w  warm-up before it, sent and received but not measured (default 3)
#   -j  a discarded run on each fresh broker before its case, so the JVM's
#       JIT compiler is done before ActiveMQ is measured (default 8; 0: none)
#   -c  comma-separated cases (default all): 1to1,latency,durable
#   -r  messages per second of the latency case (default 5000)
#
# A quick run (about two and a half minutes): bench/stomp_bench.sh -d 3 -w 1 -j 3
#
# The SENDs of the 1to1 and latency cases carry no persistent header, as
# the issue's figures were taken: ActiveMQ then keeps the message in memory
# only, gantryd (its defaults: ASYNC_FLUSH) appends it to the commit log
# before the RECEIPT or the delivery. The durable case sends persistent:true
# with receipts: ActiveMQ then writes KahaDB as it ships (a journal sync
# before the RECEIPT), gantryd does what it always does. Every broker
# listens on a free loopback port, keeps its data in a temporary folder
# removed at the end, and is stopped by its PID.
set -euo pipefail

build=build/release
prebuilt=""
seconds=10
warmup=3
prerun=8
cases=1to1,latency,durable
latency_rate=5000
while getopts "b:B:d:w:j:c:r:" flag; do
    case $flag in
    b) build=$OPTARG ;;
    B) prebuilt=$OPTARG ;;
    d) seconds=$OPTARG ;;
    w) warmup=$OPTARG ;;
    j) prerun=$OPTARG ;;
    c) cases=$OPTARG ;;
    r) latency_rate=$OPTARG ;;
    *) sed -n '2,19p' "$0" >&2; exit 2 ;;
    esac
done

activemq_jar=/usr/share/activemq/bin/activemq.jar
if [ ! -e "$activemq_jar" ] || ! command -v java >/dev/null; then
    echo "ActiveMQ or Java is missing: run scripts/install-bench-deps" >&2
    exit 1
fi

source "$(dirname "$0")/bench_common.sh"
if [ -z "$prebuilt" ]; then
    bench_setup "$build" stomp-bench gantryd stomp_load
else
    bench_setup_prebuilt "$prebuilt" stomp-bench
fi
port=""

listening() { /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; }

start_gantry() {
    stop_broker
    rm -rf "$work/gantry"
    port=$(free_port)
    : >"$work/broker.log"
    # Only the listeners the case needs (and no clash with brokers on default ports).
    local others=(--mqttPort 0 --amqpPort 0 --websocketPort 0)
    "$bin/gantryd" --listenHost 127.0.0.1 --listenPort "$(free_port)" "${others[@]}" --stompPort "$port" \
        --storePathRootDir "$work/gantry" 2>"$work/broker.log" &
    broker_pid=$!
    if ! wait_until 30 grep -q " started in " "$work/broker.log"; then
        echo "gantryd did not start within 30 s:" >&2
        tail -5 "$work/broker.log" >&2
        exit 1
    fi
}

# ActiveMQ from a private configuration: only a STOMP connector on loopback
# (the plain `stomp://` transport of ActiveMQ's own sample configuration),
# KahaDB as it ships, no JMX, no web console (that is Jetty, started only by
# a configuration that imports it). TCP_NODELAY as gantryd sets it: with
# ActiveMQ's default (Nagle on) its p99 at 5,000 msg/s was 40-95 ms rather
# than 4-5 ms. The JVM options are upstream's
# (bin/env of ActiveMQ 5.17: -Xms64M -Xmx1G): Debian's activemq-options
# (a 512 MB heap and UseDedicatedTaskRunner=true) delivered 25-40 % less
# here. java runs as this script's child: its PID is the broker's.
start_activemq() {
    stop_broker
    local base="$work/activemq"
    rm -rf "$base"
    mkdir -p "$base/conf" "$base/data" "$base/tmp"
    port=$(free_port)
    cat >"$base/conf/activemq.xml" <<EOF
<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="stomp-bench" useJmx="false"
          dataDirectory="$base/data">
    <persistenceAdapter>
      <kahaDB directory="$base/data/kahadb"/>
    </persistenceAdapter>
    <transportConnectors>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:$port?transport.tcpNoDelay=true"/>
    </transportConnectors>
  </broker>
</beans>
EOF
    # Debian's ActiveMQ logs through log4j 1.2: warnings and errors, and the start line.
    cat >"$base/conf/log4j.properties" <<EOF
log4j.rootLogger=WARN, stderr
log4j.logger.org.apache.activemq.broker.BrokerService=INFO
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=%d{HH:mm:ss.SSS} %-5p %m%n
EOF
    : >"$work/broker.log"
    java -Xms64M -Xmx1G -Dactivemq.home=/usr/share/activemq -Dactivemq.base="$base" \
        -Dactivemq.conf="$base/conf" -Dactivemq.data="$base/data" -Dactivemq.classpath="$base/conf" \
        -Djava.io.tmpdir="$base/tmp" -jar "$activemq_jar" start "xbean:file:$base/conf/activemq.xml" \
        >>"$work/broker.log" 2>&1 &
    broker_pid=$!
    if ! wait_until 60 listening; then
        echo "ActiveMQ did not listen on $port within 60 s:" >&2
        tail -5 "$work/broker.log" >&2
        exit 1
    fi
}

# run_both <stomp_load arguments...>: sets gantry_out and activemq_out to
# each broker's summary line (or its failure).
run_both() {
    start_gantry
    prerun_load
    gantry_out=$(run_load "$@")
    start_activemq
    prerun_load
    activemq_out=$(run_load "$@")
    stop_broker
}

# The discarded run: receipts keep its queue short, so nothing is left to drain.
prerun_load() {
    [ "$prerun" = 0 ] && return
    timeout $((prerun * 3 + 120)) "$bin/stomp_load" -p "$port" -q jit-warm-up -d "$prerun" --warmup 0 -s 100 \
        --receipts >/dev/null 2>&1 || true
}

run_load() {
    local out status=0
    out=$(timeout $((seconds * 3 + warmup + 120)) "$bin/stomp_load" -p "$port" -d "$seconds" --warmup "$warmup" "$@" \
        2>&1) || status=$?
    if [ "$status" -ne 0 ]; then
        echo "failed (exit $status): $(tail -1 <<<"$out")"
    else
        grep -E '^summary ' <<<"$out"
    fi
}

row() { printf '%-58s %12s %12s %7s  %s\n' "$@"; }

# A throughput case: received msg/s after the warm-up, Gantry at least 1.5x ActiveMQ.
throughput_case() {
    local name=$1
    shift
    run_both "$@"
    local g a
    g=$(field msg_per_s "$gantry_out")
    a=$(field msg_per_s "$activemq_out")
    if [ -z "$g" ] || [ -z "$a" ]; then
        row "$name" "${g:-failed}" "${a:-failed}" "-" "not met"
    else
        row "$name" "$g" "$a" "$(ratio "$g" "$a")" "$(times_verdict "$g" "$a" 1.5)"
    fi
    details
}

# Latency at a fixed rate: Gantry's p99 below ActiveMQ's.
latency_case() {
    local name="latency, $latency_rate msg/s, 100 B"
    run_both -s 100 -r "$latency_rate" "$@"
    local key g a
    for key in p50_us p99_us p999_us; do
        g=$(field "$key" "$gantry_out")
        a=$(field "$key" "$activemq_out")
        local verdict=""
        if [ "$key" = p99_us ]; then
            if [ -z "$g" ] || [ -z "$a" ]; then verdict="not met"
            else verdict=$(awk -v g="$g" -v a="$a" 'BEGIN { print (g < a) ? "met" : "not met" }')" (< ActiveMQ's)"
            fi
        fi
        row "$name${*:+, $*}: ${key%_us} (us)" "${g:-failed}" "${a:-failed}" "$(ratio "${g:-0}" "${a:-0}")" "$verdict"
    done
    details
}

details() {
    sed 's/^/    gantry:   /' <<<"$gantry_out"
    sed 's/^/    activemq: /' <<<"$activemq_out"
}

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "(not a git checkout)")
[ -n "$prebuilt" ] && commit="prebuilt in $bin (checkout at $commit)"
activemq_version=$(dpkg-query -W -f='${Version}' activemq 2>/dev/null || echo "?")
echo "seconds per case: $seconds (+$warmup s warm-up, after a $prerun s discarded run); cases: $cases; gantry $commit vs ActiveMQ $activemq_version; load: $(cut -d' ' -f1-3 /proc/loadavg)"
row "case" "gantry" "activemq" "ratio" "target"
for c in ${cases//,/ }; do
    case $c in
    1to1)
        for receipts in off on; do
            for size in 100 1024; do
                flags=()
                [ "$receipts" = on ] && flags=(--receipts)
                throughput_case "1 -> 1 queue, $size B, receipts $receipts (msg/s)" -s "$size" "${flags[@]}"
            done
        done
        ;;
    latency) latency_case ;;
    durable) throughput_case "1 -> 1 queue, 100 B, receipts on, persistent:true (msg/s)" -s 100 --receipts \
        --persistent true ;;
    *) echo "unknown case $c (1to1, latency, durable)" >&2; exit 2 ;;
    esac
done
