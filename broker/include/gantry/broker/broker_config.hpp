#pragma once

#include <chrono>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <spdlog/common.h>

#include "gantry/core/core_config.hpp"
#include "gantry/protocols/common/connection_limits.hpp"
#include "gantry/protocols/mqtt/mqtt_module.hpp"
#include "gantry/protocols/amqp/amqp_module.hpp"
#include "gantry/protocols/stomp/stomp_module.hpp"
#include "gantry/protocols/remoting/remoting_module.hpp"
#include "gantry/protocols/websocket/websocket_listener.hpp"
#include "gantry/bridge/bridge_config.hpp"
#include "gantry/store/store_config.hpp"

namespace gantry::broker {

// The store's own defaults, with the data directory RocketMQ users expect
// beside the working directory.
inline store::store_config embedded_store_defaults() {
    store::store_config config;
    config.root_dir = "./data";
    return config;
}

struct log_config {
    spdlog::level::level_enum level = spdlog::level::info; // logLevel
    std::filesystem::path file;                            // logFile (empty: stderr only)
};

// Everything gantryd is configured with. The defaults here are the embedded
// defaults gantryd runs on without a file; conf/gantry.toml repeats them as
// documentation and a unit test keeps the two equal. A module that brings
// settings adds its own struct here and registers its keys (see
// broker_registry.hpp).
struct broker_config {
    std::string broker_name = "broker-a";               // brokerName
    std::string broker_cluster_name = "DefaultCluster"; // brokerClusterName
    std::string broker_ip1 = "127.0.0.1";               // brokerIP1
    std::int32_t listen_port = 10911;                   // listenPort
    std::int32_t mqtt_port = 1883;                      // mqttPort: 0 = no MQTT listener
    std::int32_t mqtt_tls_port = 0;                     // mqttTlsPort: 0 = no MQTT over TLS listener
    std::int32_t stomp_port = 61613;                    // stompPort: 0 = no STOMP listener
    std::int32_t stomp_tls_port = 0;                    // stompTlsPort: 0 = no STOMP over TLS listener
    std::int32_t amqp_port = 5672;                      // amqpPort: 0 = no AMQP listener
    std::int32_t amqp_tls_port = 0;                     // amqpTlsPort: 0 = no AMQP over TLS (amqps) listener
    std::int32_t websocket_port = 8080;                 // websocketPort: 0 = no WebSocket/HTTP listener
    std::int32_t websocket_tls_port = 0;                // websocketTlsPort: 0 = no wss/https listener
    std::string listen_host = "0.0.0.0";                // listenHost: the address listeners bind
    std::int32_t io_threads = 0;                        // ioThreads: io_context threads; 0 = one per core
    std::string namesrv_addr;                           // namesrvAddr: "host:port;..."; empty = one-process mode
    std::chrono::milliseconds register_name_server_period{30'000}; // registerNameServerPeriod
    log_config log;
    // store_host is derived from brokerIP1 and listenPort once every source
    // has been applied.
    store::store_config store = embedded_store_defaults();
    // root_dir follows storePathRootDir.
    core::core_config engine;
    // Per protocol: listener limits ("<protocol>.maxConnections", ...) and options.
    protocols::common::connection_limits remoting_limits = protocols::remoting::remoting_default_limits();
    protocols::common::connection_limits mqtt_limits = protocols::mqtt::mqtt_default_limits();
    // maximum_packet_size follows mqtt.maxFrameSize.
    protocols::mqtt::mqtt_options mqtt;
    protocols::common::connection_limits stomp_limits = protocols::stomp::stomp_default_limits();
    protocols::stomp::stomp_options stomp;
    std::string stomp_level_separator = "."; // stomp.levelSeparator, one character: stomp.level_separator
    protocols::common::connection_limits amqp_limits = protocols::amqp::amqp_default_limits();
    // max_message_size follows maxMessageSize.
    protocols::amqp::amqp_options amqp;
    std::string amqp_default_address_kind = "queue"; // amqp.defaultAddressKind: amqp.bare_address_is_topic
    // WebSocket and HTTP on websocketPort (and over TLS on websocketTlsPort);
    // host and port follow listenHost and those keys. Each protocol's
    // connections keep that protocol's limits.
    protocols::websocket::websocket_listener_config websocket;
    // Who may connect, to every protocol that authenticates.
    std::filesystem::path password_file; // passwordFile: mosquitto_passwd format; empty: no users
    std::filesystem::path acl_file;      // aclFile: mosquitto acl_file format; empty: everything allowed
    bool allow_anonymous = true;         // allowAnonymous
    // The TLS listeners' certificate (mqttTlsPort, stompTlsPort, amqpTlsPort, websocketTlsPort).
    std::string tls_cert_file;                   // tlsCertFile: the certificate chain (PEM)
    std::string tls_key_file;                    // tlsKeyFile: its private key (PEM)
    std::string tls_ca_file;                     // tlsCaFile: client certificates must chain to it; empty: none asked
    bool tls_require_client_certificate = false; // tlsRequireClientCertificate
    // [[bridge]] entries of the configuration file (no command-line form).
    std::vector<bridge::bridge_config> bridges;
};

} // namespace gantry::broker
