# Sourced by bench/mqtt_bench.sh and bench/mqtt_ws_bench.sh after
# bench_common.sh: a fresh gantryd or Debian mosquitto for each case, and
# mqtt_load run against it. `transport` (tcp or websocket) says which listener
# is measured; start_* set `port` to it and `broker_pid`; `seconds` bounds
# run_load.

# start_gantry [gantryd options...]
start_gantry() {
    stop_broker
    rm -rf "$work/gantry"
    port=$(free_port)
    local listeners=(--mqttPort "$port" --websocketPort 0)
    # The MQTT module exists only with its TCP listener, so MQTT over WebSocket needs one too; it stays unused.
    [ "$transport" = websocket ] && listeners=(--mqttPort "$(free_port)" --websocketPort "$port")
    : >"$work/broker.log"
    "$bin/gantryd" --listenHost 127.0.0.1 --listenPort "$(free_port)" "${listeners[@]}" \
        --stompPort 0 --amqpPort 0 --storePathRootDir "$work/gantry" "$@" 2>"$work/broker.log" &
    broker_pid=$!
    if ! wait_until 30 grep -q " started in " "$work/broker.log"; then
        echo "gantryd did not start within 30 s:" >&2
        tail -5 "$work/broker.log" >&2
        exit 1
    fi
}

# start_mosquitto [persistent]: "persistent" keeps sessions' queues on disk
# too, as a deployment with offline clients would; otherwise in memory only.
start_mosquitto() {
    stop_broker
    rm -rf "$work/mosquitto"
    mkdir -p "$work/mosquitto"
    port=$(free_port)
    local persistence=false
    [ "${1:-}" = persistent ] && persistence=true
    local listeners="listener $port 127.0.0.1"
    if [ "$transport" = websocket ]; then
        listeners="# Mosquitto 2.0 does not start with a websockets listener alone: this TCP one stays unused.
listener $(free_port) 127.0.0.1
listener $port 127.0.0.1
protocol websockets
# Without it, libwebsockets binds every interface whatever the address (mosquitto issue #3045).
socket_domain ipv4"
    fi
    cat >"$work/mosquitto.conf" <<CONF
$listeners
allow_anonymous true
persistence $persistence
persistence_location $work/mosquitto/
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
    : >"$work/broker.log"
    /usr/sbin/mosquitto -c "$work/mosquitto.conf" 2>"$work/broker.log" &
    broker_pid=$!
    if ! wait_until 10 /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" \
        2>/dev/null; then
        echo "mosquitto did not listen on $port within 10 s:" >&2
        tail -5 "$work/broker.log" >&2
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
