# Sourced by the bench/*_bench.sh scripts: the Release build, a temporary
# folder removed at exit, the one broker process of a case (stopped by its
# PID), free loopback ports and bounded waits.
#
#   bench_setup <build dir> <name> <target...>
# sets `root`, `bin` (the build's bin/) and `work` (the temporary folder).

bench_setup() {
    local build=$1 name=$2
    shift 2
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGANTRY_BUILD_TESTS=OFF >/dev/null
    cmake --build "$build" --target "$@" >/dev/null
    bin=$(cd "$build/bin" && pwd)
    work=$(mktemp -d "/var/tmp/gantry-$name.XXXXXX")
    broker_pid=""
    trap 'stop_broker; rm -rf "$work"' EXIT
}

stop_broker() {
    if [ -n "$broker_pid" ]; then
        kill "$broker_pid" 2>/dev/null || true
        wait "$broker_pid" 2>/dev/null || true
        broker_pid=""
    fi
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

# Reading the load tools' "summary mode=... key=value ..." lines.
# field <key> <summary line>: the value of one key.
field() {
    awk -v k="$1" '/^summary/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' <<<"$2"
}

# ratio <a> <b>: a / b to two decimals, "-" when b is 0.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# at_least <value> <bound>: "met" or "not met".
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? "met" : "not met" }'; }
