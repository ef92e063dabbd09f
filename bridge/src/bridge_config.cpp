#include "gantry/bridge/bridge_config.hpp"

#include <charconv>

#include <fmt/format.h>

#include "gantry/protocols/mqtt/mqtt_mapping.hpp"
#include "local_destination.hpp"

namespace gantry::bridge {

namespace {

bool valid_address(const std::string& address) {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0) return false;
    unsigned port = 0;
    const auto* end = address.data() + address.size();
    const auto [rest, error] = std::from_chars(address.data() + colon + 1, end, port);
    return error == std::errc{} && rest == end && port > 0 && port < 65536;
}

std::optional<std::string> connection_problem(const bridge_connection_config& config) {
    if (config.name.empty()) return "name: every bridge needs a name";
    if (config.addresses.empty()) return "addresses: give at least one \"host:port\" of the remote broker";
    for (const auto& address : config.addresses)
        if (!valid_address(address)) return "addresses: '" + address + "' is not \"host:port\" with a port 1-65535";
    if (config.reconnect.minimum.count() <= 0 || config.reconnect.maximum < config.reconnect.minimum)
        return "reconnectMin / reconnectMax: need 0 < reconnectMin <= reconnectMax (ms)";
    if (config.reconnect.jitter_percent < 0 || config.reconnect.jitter_percent > 100)
        return "reconnectJitter: a percentage, 0 to 100";
    if (config.max_inflight == 0) return "maxInflight: at least 1";
    if (config.tls.cert_file.empty() != config.tls.key_file.empty())
        return "tlsCertFile / tlsKeyFile: give both (the bridge's certificate and its key) or neither";
    if (!config.tls.enabled && (!config.tls.ca_file.empty() || !config.tls.cert_file.empty()))
        return "tls: set tls = true to use tlsCaFile, tlsCertFile and tlsKeyFile";
    return std::nullopt;
}

} // namespace

const bridge_connection_config& connection_of(const bridge_config& config) {
    return std::visit([](const auto& c) -> const bridge_connection_config& { return c; }, config);
}

std::optional<std::string> configuration_problem(const mqtt_bridge_config& config) {
    if (auto problem = connection_problem(config)) return problem;
    if (config.topics.empty()) return "topics: give at least one line 'pattern [out|in|both [qos [local-prefix "
                                      "[remote-prefix]]]]'";
    for (const auto& rule : config.topics) {
        if (!rule.sends()) continue;
        const auto filter = protocols::mqtt::to_engine_filter(rule.local_filter());
        if (!filter)
            return fmt::format("topics: '{}' sends local topics '{}', which no engine topic can hold ({}); shorten "
                               "the filter's first level or the local prefix",
                               rule.pattern, rule.local_filter(), filter.error().message());
    }
    return std::nullopt;
}

std::optional<std::string> configuration_problem(const amqp_bridge_config& config) {
    if (auto problem = connection_problem(config)) return problem;
    if (config.links.empty())
        return "links: give at least one { direction = \"out\" or \"in\", local = \"queue://...\" or "
               "\"topic://...\", remote = \"<the remote's address>\" }";
    for (const auto& link : config.links) {
        if (link.direction == direction::both)
            return "links: direction \"both\" would send back what comes in on the same address; write an \"out\" "
                   "and an \"in\" link";
        if (link.remote.empty()) return "links: '" + link.local + "' needs the remote's address (remote = ...)";
        const auto local = parse_local_destination(link.local, link.direction == direction::out);
        if (!local.destination) return "links: " + local.error;
    }
    return std::nullopt;
}

} // namespace gantry::bridge
