# Sourced by the bench/*_bench.sh scripts: the Release build, a temporary
# folder removed at exit, the broker process of a case and any it runs
# beside it (stopped by their PIDs), free loopback ports and bounded waits.
#
#   bench_setup <build dir> <name> <target...>
# sets `root`, `bin` (the build's bin/) and `work` (the temporary folder), and
# prints which host the figures come from.
#   bench_setup_prebuilt <bin dir> <name>
# does the same with binaries built elsewhere, building nothing.

bench_setup() {
    local build=$1 name=$2
    shift 2
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGANTRY_BUILD_TESTS=OFF >/dev/null
    cmake --build "$build" --target "$@" >/dev/null
    bench_setup_prebuilt "$build/bin" "$name"
}

bench_setup_prebuilt() {
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    bin=$(cd "$1" && pwd)
    work=$(mktemp -d "/var/tmp/gantry-$2.XXXXXX")
    broker_pid=""
    peer_pids=()
    trap 'stop_broker; stop_peers; rm -rf "$work"' EXIT
    describe_host
}

# Ratios against a peer broker move with the host (docs/benchmarks.md, "Two
# hosts"), so every run names the one it ran on.
describe_host() {
    local cpu
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    echo "host: ${cpu:-unknown CPU}, $(nproc) cores, Linux $(uname -r)"
}

# The broker measured (`broker_pid`, the {pid} of run_load).
stop_broker() {
    if [ -n "$broker_pid" ]; then
        stop_pid "$broker_pid"
        broker_pid=""
    fi
}

# Processes a case runs beside its broker (`peer_pids`), e.g. the far end of a bridge.
stop_peers() {
    local pid
    for pid in "${peer_pids[@]}"; do stop_pid "$pid"; done
    peer_pids=()
}

stop_pid() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_until <seconds> <command...>: polls every 0.1 s.
wait_until() {
    local tries=$(($1 * 10))
    shift
    for _ in $(seq "$tries"); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

# cpu_seconds <pid>: user and system CPU time the process has used so far.
cpu_seconds() {
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.1f", ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null ||
        echo "?"
}

# Reading the load tools' "summary mode=... key=value ..." lines.
# field <key> <summary line>: the value of one key.
field() {
    awk -v k="$1" '/^summary/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' <<<"$2"
}

# ratio <a> <b>: a / b to two decimals, "-" when b is 0.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# at_least <value> <bound>: "met" or "not met".
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? "met" : "not met" }'; }

# times_verdict <gantry> <other> <factor>: a throughput target, "met (>= 1.2x)".
times_verdict() { echo "$(at_least "$1" "$(awk -v b="$2" -v f="$3" 'BEGIN { print f * b }')") (>= $3x)"; }

# lower_verdict <gantry> <other> <other's name> [or-equal]: a latency target,
# Gantry's figure below the other's (or not above it).
lower_verdict() {
    if [ "${4:-}" = or-equal ]; then
        echo "$(at_least "$2" "$1") (<= $3)"
    else
        awk -v g="$1" -v o="$2" -v n="$3" 'BEGIN { print ((g < o) ? "met" : "not met") " (< " n ")" }'
    fi
}

# print_outputs <name> <summary lines> ...: each broker's lines, indented under its name.
print_outputs() {
    while [ $# -ge 2 ]; do
        sed "s/^/    $(printf '%-10s' "$1:") /" <<<"$2"
        shift 2
    done
}

# median: the median of the numbers on stdin, one a line.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# A table of figures, Gantry's against another broker's, run after run. The
# script defines row <name> <gantry> <other> <ratio> <target> (the layout)
# and verdict <row kind> <gantry> <other> (the target met or not, or nothing).
declare -A results # "<gantry> <other>" lines per "<row kind>|<row name>"
result_rows=()

# show <row kind> <name> <gantry> <other>: prints the row and keeps it for the medians.
show() {
    local kind=$1 name=$2 g=$3 o=$4
    if [ -z "$g" ] || [ -z "$o" ]; then
        row "$name" "${g:-failed}" "${o:-failed}" "-" "$([ -z "$(verdict "$kind" 1 1)" ] || echo "not met")"
        return
    fi
    row "$name" "$g" "$o" "$(ratio "$g" "$o")" "$(verdict "$kind" "$g" "$o")"
    [ -n "${results[$kind|$name]+set}" ] || result_rows+=("$kind|$name")
    results[$kind|$name]+="$g $o"$'\n'
}

# print_medians <other broker's name> <runs>: every row's median over the runs.
print_medians() {
    echo "medians of $2 runs; $(uptime | sed 's/.*load/load/')"
    row "case" "gantry" "$1" "ratio" "target"
    local key kind values g o
    for key in "${result_rows[@]}"; do
        kind=${key%%|*}
        values=${results[$key]}
        g=$(awk 'NF { print $1 }' <<<"$values" | median)
        o=$(awk 'NF { print $2 }' <<<"$values" | median)
        row "${key#*|} ($(awk 'NF' <<<"$values" | wc -l) runs)" "$g" "$o" "$(ratio "$g" "$o")" "$(verdict "$kind" "$g" "$o")"
    done
}

# run_alternating <peer> <load arguments...>: runs the load against a fresh
# gantryd (start_gantry) and a fresh peer broker (start_<peer>), the one that
# goes first alternating from one call to the next, so a case swaps order
# between runs too; sets gantry_out and peer_out to the summary lines.
# The script defines start_gantry, start_<peer> and run_load.
alternation=0
run_alternating() {
    local peer=$1
    shift
    alternation=$((alternation + 1))
    if [ $((alternation % 2)) -eq 1 ]; then
        start_gantry
        gantry_out=$(run_load "$@")
        "start_$peer"
        peer_out=$(run_load "$@")
    else
        "start_$peer"
        peer_out=$(run_load "$@")
        start_gantry
        gantry_out=$(run_load "$@")
    fi
    stop_broker
}
