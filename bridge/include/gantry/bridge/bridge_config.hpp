#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "gantry/bridge/topic_rule.hpp"

namespace gantry::bridge {

// How long to wait before the next connection attempt: from `minimum`,
// doubling after each failure up to `maximum`, each wait shortened by a
// random part of up to `jitter_percent` so bridges do not retry in step.
struct reconnect_backoff {
    std::chrono::milliseconds minimum{1'000};
    std::chrono::milliseconds maximum{60'000};
    int jitter_percent = 20;
};

// TLS to the remote: its certificate is checked against `ca_file` (or the
// system's CAs) and the address's host name or IP unless `verify` is off.
struct tls_options {
    bool enabled = false;
    std::string ca_file;   // PEM; empty: the system's certificate authorities
    std::string cert_file; // the bridge's own certificate chain (PEM); empty: none
    std::string key_file;  // its private key (PEM)
    bool verify = true;
};

// What every bridge has, whatever its remote speaks: its name, where the
// remote is and how to reach it.
struct bridge_connection_config {
    std::string name;
    std::vector<std::string> addresses; // "host:port", tried in order
    tls_options tls;
    std::optional<std::string> username;
    std::optional<std::string> password;
    std::string client_id;              // MQTT client id, AMQP container id; empty: "gantry-bridge-<name>"
    reconnect_backoff reconnect;
    std::uint16_t max_inflight = 64;    // messages each way awaiting the other side's answer
    std::chrono::milliseconds connect_timeout{10'000};

    std::string effective_client_id() const { return client_id.empty() ? "gantry-bridge-" + name : client_id; }
};

// A remote MQTT broker and what travels to and from it (`[[bridge]]` with
// type "mqtt" in gantry.toml; conf/bridges.example.toml explains each key).
struct mqtt_bridge_config : bridge_connection_config {
    bool mqtt5 = true;                  // false: MQTT 3.1.1
    bool clean_start = false;
    std::uint16_t keep_alive = 60;      // seconds
    // 3.1.1 only: announce a bridge (protocol level | 0x80), which Mosquitto
    // answers by not sending the bridge its own messages back; falls back to
    // a plain CONNECT when the remote refuses it. 5.0 uses No Local instead.
    bool try_private = true;
    std::vector<topic_rule> topics;
};

// One link of an AMQP bridge. Out: what a local destination holds goes to
// the remote's target address. In: what the remote's source address holds
// comes into a local destination.
struct amqp_link_rule {
    bridge::direction direction = direction::out; // out or in
    // "queue://orders": a queue, whose messages the bridge takes as one more
    // consumer (moved to the remote); "topic://sensors/#": topics, of which
    // the bridge gets a copy in a durable group of its own. Inbound, the
    // destination messages are stored to.
    std::string local;
    std::string remote; // as the remote names it: "/queue/orders" (RabbitMQ), "orders" (Artemis)
    bool presettled = false; // at-most-once: settled as sent, no confirmation awaited

    bool operator==(const amqp_link_rule&) const = default;
};

// A remote AMQP 1.0 broker and the links to it (`[[bridge]]` with type
// "amqp"; conf/bridges.example.toml).
struct amqp_bridge_config : bridge_connection_config {
    std::uint32_t idle_timeout_ms = 60'000; // announced to the remote; 0: none
    std::vector<amqp_link_rule> links;
};

using bridge_config = std::variant<mqtt_bridge_config, amqp_bridge_config>;

const bridge_connection_config& connection_of(const bridge_config& config);

// What is wrong with a bridge's configuration, naming the key ("topics:
// 'x out 1': ..."), or nothing. Topic lines are checked as they are parsed.
std::optional<std::string> configuration_problem(const mqtt_bridge_config& config);
std::optional<std::string> configuration_problem(const amqp_bridge_config& config);

} // namespace gantry::bridge
