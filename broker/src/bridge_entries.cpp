#include "bridge_entries.hpp"

#include <fmt/format.h>

#include <functional>
#include <map>
#include <set>

#include "gantry/broker/startup_error.hpp"

namespace gantry::broker {

namespace {

using bridge::mqtt_bridge_config;

// Reads one entry's keys, each by its own reader; the first problem throws
// with the file, line, bridge and key.
class entry_reader {
public:
    entry_reader(const toml::table& table, std::string_view source, std::size_t index)
        : table_(table), source_(source), index_(index) {}

    [[noreturn]] void fail(const toml::node& node, std::string_view key, std::string_view problem) const {
        throw startup_error(fmt::format("in {}:{}: bridge '{}', key {}: {}", source_, node.source().begin.line,
                                        name_.empty() ? fmt::format("#{}", index_ + 1) : name_, key, problem));
    }

    std::string text(const toml::node& node, std::string_view key) const {
        if (auto value = node.value_exact<std::string>()) return *value;
        fail(node, key, "must be a string");
    }
    std::int64_t integer(const toml::node& node, std::string_view key, std::int64_t min, std::int64_t max) const {
        const auto value = node.value_exact<std::int64_t>();
        if (!value) fail(node, key, "must be an integer");
        if (*value < min || *value > max) fail(node, key, fmt::format("must be between {} and {}, got {}", min, max, *value));
        return *value;
    }
    bool flag(const toml::node& node, std::string_view key) const {
        if (auto value = node.value_exact<bool>()) return *value;
        fail(node, key, "must be true or false");
    }
    std::vector<std::string> texts(const toml::node& node, std::string_view key) const {
        const auto* array = node.as_array();
        if (!array) return {text(node, key)};
        std::vector<std::string> out;
        for (const auto& item : *array) out.push_back(text(item, key));
        return out;
    }

    mqtt_bridge_config read() {
        mqtt_bridge_config config;
        if (const auto* name = table_.get("name")) name_ = config.name = text(*name, "name");
        else throw startup_error(fmt::format("in {}:{}: bridge #{} has no name", source_, table_.source().begin.line,
                                             index_ + 1));
        const std::map<std::string_view, std::function<void(const toml::node&, std::string_view)>> keys{
            {"name", [](const toml::node&, std::string_view) {}},
            {"type", [&](const toml::node& n, std::string_view k) {
                 const auto type = text(n, k);
                 if (type == "amqp") fail(n, k, "AMQP bridges are not built yet; only \"mqtt\" works");
                 if (type != "mqtt") fail(n, k, "must be \"mqtt\", got \"" + type + "\"");
             }},
            {"addresses", [&](const toml::node& n, std::string_view k) { config.addresses = texts(n, k); }},
            {"username", [&](const toml::node& n, std::string_view k) { config.username = text(n, k); }},
            {"password", [&](const toml::node& n, std::string_view k) { config.password = text(n, k); }},
            {"clientId", [&](const toml::node& n, std::string_view k) { config.client_id = text(n, k); }},
            {"protocolVersion", [&](const toml::node& n, std::string_view k) {
                 const auto version = text(n, k);
                 if (version != "5.0" && version != "3.1.1") fail(n, k, "must be \"5.0\" or \"3.1.1\", got \"" + version + "\"");
                 config.mqtt5 = version == "5.0";
             }},
            {"cleanStart", [&](const toml::node& n, std::string_view k) { config.clean_start = flag(n, k); }},
            {"keepAlive", [&](const toml::node& n, std::string_view k) {
                 config.keep_alive = static_cast<std::uint16_t>(integer(n, k, 0, 65535));
             }},
            {"tryPrivate", [&](const toml::node& n, std::string_view k) { config.try_private = flag(n, k); }},
            {"topics", [&](const toml::node& n, std::string_view k) {
                 for (const auto& line : texts(n, k)) {
                     auto parsed = bridge::parse_topic_rule(line);
                     if (!parsed.rule) fail(n, k, "'" + line + "' " + parsed.error);
                     config.topics.push_back(std::move(*parsed.rule));
                 }
             }},
            {"reconnectMin", [&](const toml::node& n, std::string_view k) {
                 config.reconnect.minimum = std::chrono::milliseconds(integer(n, k, 1, 3'600'000));
             }},
            {"reconnectMax", [&](const toml::node& n, std::string_view k) {
                 config.reconnect.maximum = std::chrono::milliseconds(integer(n, k, 1, 24 * 3'600'000));
             }},
            {"reconnectJitter", [&](const toml::node& n, std::string_view k) {
                 config.reconnect.jitter_percent = static_cast<int>(integer(n, k, 0, 100));
             }},
            {"maxInflight", [&](const toml::node& n, std::string_view k) {
                 config.max_inflight = static_cast<std::uint16_t>(integer(n, k, 1, 65535));
             }},
            {"tls", [&](const toml::node& n, std::string_view k) { config.tls.enabled = flag(n, k); }},
            {"tlsCaFile", [&](const toml::node& n, std::string_view k) { config.tls.ca_file = text(n, k); }},
            {"tlsCertFile", [&](const toml::node& n, std::string_view k) { config.tls.cert_file = text(n, k); }},
            {"tlsKeyFile", [&](const toml::node& n, std::string_view k) { config.tls.key_file = text(n, k); }},
            {"tlsVerify", [&](const toml::node& n, std::string_view k) { config.tls.verify = flag(n, k); }},
        };
        for (const auto& [key, node] : table_) {
            const auto known = keys.find(key.str());
            if (known == keys.end())
                fail(node, key.str(), "is not a bridge key (name, type, addresses, username, password, clientId, "
                                      "protocolVersion, cleanStart, keepAlive, tryPrivate, topics, reconnectMin, "
                                      "reconnectMax, reconnectJitter, maxInflight, tls, tlsCaFile, tlsCertFile, "
                                      "tlsKeyFile, tlsVerify)");
            known->second(node, key.str());
        }
        if (!table_.get("type")) fail(table_, "type", "is missing: \"mqtt\"");
        if (const auto problem = bridge::configuration_problem(config)) {
            throw startup_error(fmt::format("in {}:{}: bridge '{}', key {}", source_, table_.source().begin.line,
                                            config.name, *problem));
        }
        return config;
    }

private:
    const toml::table& table_;
    std::string_view source_;
    std::size_t index_;
    std::string name_;
};

} // namespace

std::vector<mqtt_bridge_config> read_bridges(const toml::array& entries, std::string_view source_name) {
    std::vector<mqtt_bridge_config> bridges;
    std::set<std::string> names;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto* table = entries[i].as_table();
        if (!table)
            throw startup_error(fmt::format("in {}:{}: each bridge is a [[bridge]] table", source_name,
                                            entries[i].source().begin.line));
        auto config = entry_reader(*table, source_name, i).read();
        if (!names.insert(config.name).second)
            throw startup_error(fmt::format("in {}:{}: a second bridge is named '{}'; bridge names must differ",
                                            source_name, table->source().begin.line, config.name));
        bridges.push_back(std::move(config));
    }
    return bridges;
}

} // namespace gantry::broker
