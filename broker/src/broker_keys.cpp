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
    add(string_key(
        "listenHost", "Address the protocol listeners bind (0.0.0.0: every interface)",
        [](auto& c) -> auto& { return c.listen_host; }, ip_literal));
    add(integer_key(
        "ioThreads", "Threads serving connections, each with its own event loop (0: one per core)", between(0, 256),
        [](auto& c) -> auto& { return c.io_threads; }));
}

} // namespace gantry::broker
