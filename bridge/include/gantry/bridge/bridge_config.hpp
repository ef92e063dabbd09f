#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
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

// A remote MQTT broker and what travels to and from it (`[[bridge]]` with
// type "mqtt" in gantry.toml; conf/bridges.example.toml explains each key).
struct mqtt_bridge_config {
    std::string name;
    std::vector<std::string> addresses; // "host:port", tried in order
    tls_options tls;
    std::optional<std::string> username;
    std::optional<std::string> password;
    std::string client_id;              // empty: "gantry-bridge-<name>"
    bool mqtt5 = true;                  // false: MQTT 3.1.1
    bool clean_start = false;
    std::uint16_t keep_alive = 60;      // seconds
    // 3.1.1 only: announce a bridge (protocol level | 0x80), which Mosquitto
    // answers by not sending the bridge its own messages back; falls back to
    // a plain CONNECT when the remote refuses it. 5.0 uses No Local instead.
    bool try_private = true;
    std::vector<topic_rule> topics;
    reconnect_backoff reconnect;
    std::uint16_t max_inflight = 64;    // QoS 1/2 messages out awaiting the remote's answer
    std::chrono::milliseconds connect_timeout{10'000};

    std::string effective_client_id() const { return client_id.empty() ? "gantry-bridge-" + name : client_id; }
};

// What is wrong with a bridge's configuration, naming the key ("topics:
// 'x out 1': ..."), or nothing. Topic lines are checked as they are parsed.
std::optional<std::string> configuration_problem(const mqtt_bridge_config& config);

} // namespace gantry::bridge
