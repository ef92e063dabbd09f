#include <arpa/inet.h>

#include "gantry/broker/broker_registry.hpp"
#include "gantry/broker/key_builders.hpp"

namespace gantry::broker {

namespace {

config_problem ip_literal(const std::string& text) {
    unsigned char address[16];
    if (inet_pton(AF_INET, text.c_str(), address) == 1 || inet_pton(AF_INET6, text.c_str(), address) == 1) {
        return std::nullopt;
    }
    return fmt::format("must be an IPv4 or IPv6 address, got '{}'", text);
}

// "host:port;host:port", as RocketMQ writes namesrvAddr.
config_problem name_server_list(const std::string& text) {
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = std::min(text.find(';', start), text.size());
        const auto item = text.substr(start, end - start);
        const auto colon = item.rfind(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == item.size() ||
            item.find_first_not_of("0123456789", colon + 1) != std::string::npos)
            return fmt::format("must be 'host:port' addresses separated by ';', got '{}'", item);
        start = end + 1;
    }
    return std::nullopt;
}

} // namespace

void register_broker_keys(config_registry& registry) {
    auto add = [&](config_key key) { registry.add("Broker", std::move(key)); };
    add(string_key(
        "brokerName", "Name of this broker; the master and slaves of one group share it",
        [](auto& c) -> auto& { return c.broker_name; }, non_empty));
    add(string_key(
        "brokerClusterName", "Cluster this broker reports to the name servers",
        [](auto& c) -> auto& { return c.broker_cluster_name; }, non_empty));
    add(string_key(
        "brokerIP1", "Address this broker advertises; recorded as the store host of every message",
        [](auto& c) -> auto& { return c.broker_ip1; }, ip_literal));
    add(integer_key(
        "listenPort", "Port of the native (RocketMQ remoting) protocol; recorded with brokerIP1 as the store host",
        between(1, 65535), [](auto& c) -> auto& { return c.listen_port; }));
    add(integer_key(
        "mqttPort", "Port of the MQTT 3.1/3.1.1/5.0 listener, on listenHost (0: no MQTT listener)", between(0, 65535),
        [](auto& c) -> auto& { return c.mqtt_port; }));
    add(integer_key(
        "mqttTlsPort",
        "Port of the MQTT listener over TLS (mqtts, usually 8883), on listenHost, with tlsCertFile and tlsKeyFile "
        "(0: none)",
        between(0, 65535), [](auto& c) -> auto& { return c.mqtt_tls_port; }));
    add(integer_key(
        "stompPort", "Port of the STOMP 1.0/1.1/1.2 listener, on listenHost (0: no STOMP listener)", between(0, 65535),
        [](auto& c) -> auto& { return c.stomp_port; }));
    add(integer_key(
        "stompTlsPort",
        "Port of the STOMP listener over TLS (usually 61614), on listenHost, with tlsCertFile and tlsKeyFile (0: none)",
        between(0, 65535), [](auto& c) -> auto& { return c.stomp_tls_port; }));
    add(integer_key(
        "amqpPort", "Port of the AMQP 1.0 listener, on listenHost (0: no AMQP listener)", between(0, 65535),
        [](auto& c) -> auto& { return c.amqp_port; }));
    add(integer_key(
        "amqpTlsPort",
        "Port of the AMQP 1.0 listener over TLS (amqps, usually 5671), on listenHost, with tlsCertFile and tlsKeyFile "
        "(0: none)",
        between(0, 65535), [](auto& c) -> auto& { return c.amqp_tls_port; }));
    add(integer_key(
        "websocketPort",
        "Port of the WebSocket listener (MQTT, STOMP and AMQP over WebSocket) and of HTTP (/healthz, static "
        "files), on listenHost (0: neither)",
        between(0, 65535), [](auto& c) -> auto& { return c.websocket_port; }));
    add(integer_key(
        "websocketTlsPort",
        "Port of the WebSocket and HTTP listener over TLS (wss and https, for pages served over https), on "
        "listenHost, with tlsCertFile and tlsKeyFile (0: none)",
        between(0, 65535), [](auto& c) -> auto& { return c.websocket_tls_port; }));
    add(string_key(
        "listenHost", "Address the protocol listeners bind (0.0.0.0: every interface)",
        [](auto& c) -> auto& { return c.listen_host; }, ip_literal));
    add(string_key(
        "namesrvAddr",
        "Name servers to register with, 'host:port' separated by ';'; empty: one-process mode, where gantryd "
        "answers name-server requests on listenPort itself",
        [](auto& c) -> auto& { return c.namesrv_addr; }, name_server_list));
    add(integer_key(
        "registerNameServerPeriod", "How often the broker registers with its name servers (ms)",
        between(1'000, 60'000), [](auto& c) -> auto& { return c.register_name_server_period; }));
    add(integer_key(
        "ioThreads", "Threads serving connections, each with its own event loop (0: one per core)", between(0, 256),
        [](auto& c) -> auto& { return c.io_threads; }));
}

} // namespace gantry::broker
