# Sourced by bench/mqtt_bench.sh, bench/mqtt_ws_bench.sh and
# bench/mqtt_bridge_bench.sh after bench_common.sh: a fresh gantryd or Debian
# mosquitto for each case, and mqtt_load run against it. `transport` (tcp or
# websocket) says which listener is measured; start_gantry and
# start_mosquitto set `port` to it and `broker_pid`; `seconds` bounds
# run_load. A case may run more mosquittos beside its broker
# (start_peer_mosquitto), stopped with stop_peers.

# start_gantry [gantryd options...]; GANTRY_OPTIONS in the environment adds
# options to every gantryd the benchmarks start (split at spaces).
start_gantry() {
    stop_broker
    rm -rf "$work/gantry"
    port=$(free_port)
    local listeners=(--mqttPort "$port" --websocketPort 0)
    # The MQTT module exists only with its TCP listener, so MQTT over WebSocket needs one too; it stays unused.
    [ "$transport" = websocket ] && listeners=(--mqttPort "$(free_port)" --websocketPort "$port")
    : >"$work/broker.log"
    "$bin/gantryd" --listenHost 127.0.0.1 --listenPort "$(free_port)" "${listeners[@]}" \
        --stompPort 0 --amqpPort 0 --storePathRootDir "$work/gantry" ${GANTRY_OPTIONS:-} "$@" 2>"$work/broker.log" &
    broker_pid=$!
    if ! wait_until 30 grep -q " started in " "$work/broker.log"; then
        echo "gantryd did not start within 30 s:" >&2
        tail -5 "$work/broker.log" >&2
        exit 1
    fi
}

# start_mosquitto [persistent] [configuration lines...]: "persistent" keeps
# sessions' queues on disk too, as a deployment with offline clients would;
# otherwise ("memory", the default) in memory only. The lines are appended
# to the generated configuration (e.g. a bridge's `connection` section).
start_mosquitto() {
    stop_broker
    launch_mosquitto mosquitto "$@"
    port=$launched_port
    broker_pid=$launched_pid
}

# start_peer_mosquitto <name> [configuration lines...]: a mosquitto in memory
# beside the case's broker (the far end of a bridge), on a TCP listener of
# its own whatever the transport; sets `peer_port`. stop_peers stops it.
start_peer_mosquitto() {
    local name=$1
    shift
    transport=tcp launch_mosquitto "$name" memory "$@"
    peer_port=$launched_port
    peer_pids+=("$launched_pid")
}

# launch_mosquitto <name> [persistent|memory] [configuration lines...]: a
# mosquitto on a free port, its configuration, log and data in $work/<name>*;
# sets `launched_port` and `launched_pid` once it listens.
launch_mosquitto() {
    local name=$1 persistence=false
    shift
    case ${1:-} in
    persistent) persistence=true; shift ;;
    memory) shift ;;
    esac
    local data="$work/$name" conf="$work/$name.conf" log="$work/$name.log"
    rm -rf "$data"
    mkdir -p "$data"
    launched_port=$(free_port)
    local listeners="listener $launched_port 127.0.0.1"
    if [ "$transport" = websocket ]; then
        listeners="# Mosquitto 2.0 does not start with a websockets listener alone: this TCP one stays unused.
listener $(free_port) 127.0.0.1
listener $launched_port 127.0.0.1
protocol websockets
# Without it, libwebsockets binds every interface whatever the address (mosquitto issue #3045).
socket_domain ipv4"
    fi
    cat >"$conf" <<CONF
$listeners
allow_anonymous true
persistence $persistence
persistence_location $data/
# Messages queued per client beyond those in flight, 0: no limit. Mosquitto's
# default (1000) would drop QoS 1 messages for a subscriber that falls behind
# and most of the offline backlog; Gantry drops none, so neither may Mosquitto.
max_queued_messages 0
# Unacknowledged QoS 1 deliveries per client: Gantry's default (Mosquitto's is 20).
max_inflight_messages 64
log_dest stderr
log_type error
log_type warning
CONF
    [ $# -eq 0 ] || printf '%s\n' "$@" >>"$conf"
    : >"$log"
    /usr/sbin/mosquitto -c "$conf" 2>"$log" &
    launched_pid=$!
    if ! wait_until 10 /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $launched_port), 1)" \
        2>/dev/null; then
        echo "mosquitto ($name) did not listen on $launched_port within 10 s:" >&2
        tail -5 "$log" >&2
        kill "$launched_pid" 2>/dev/null || true
        exit 1
    fi
}

# run_load <mqtt_load arguments...> with {pid} replaced by the broker's PID:
# the summary (and backlog) lines, or the failure.
run_load() {
    local args=()
    for a in "$@"; do args+=("${a//\{pid\}/$broker_pid}"); done
    local out status=0
    out=$(timeout $((seconds * 4 + 900)) "$bin/mqtt_load" -p "$port" --transport "$transport" "${args[@]}" 2>&1) ||
        status=$?
    if [ "$status" -ne 0 ]; then
        echo "failed (exit $status): $(tail -1 <<<"$out")"
    else
        grep -E '^(summary|backlog) ' <<<"$out"
    fi
}
