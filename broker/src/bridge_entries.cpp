#include "bridge_entries.hpp"

#include <fmt/format.h>

#include <functional>
#include <map>
#include <set>

#include "gantry/broker/startup_error.hpp"

namespace gantry::broker {

namespace {

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

    bridge::bridge_config read() {
        std::string name;
        if (const auto* node = table_.get("name")) name_ = name = text(*node, "name");
        else throw startup_error(fmt::format("in {}:{}: bridge #{} has no name", source_, table_.source().begin.line,
                                             index_ + 1));
        const auto* type_node = table_.get("type");
        if (!type_node) fail(table_, "type", "is missing: \"mqtt\" or \"amqp\"");
        const auto type = text(*type_node, "type");
        if (type == "mqtt") return read_mqtt(std::move(name));
        if (type == "amqp") return read_amqp(std::move(name));
        fail(*type_node, "type", "must be \"mqtt\" or \"amqp\", got \"" + type + "\"");
    }

private:
    using key_readers = std::map<std::string_view, std::function<void(const toml::node&, std::string_view)>>;

    // The keys every bridge has.
    key_readers connection_keys(bridge::bridge_connection_config& config) {
        return {
            {"name", [](const toml::node&, std::string_view) {}},
            {"type", [](const toml::node&, std::string_view) {}},
            {"addresses", [&](const toml::node& n, std::string_view k) { config.addresses = texts(n, k); }},
            {"username", [&](const toml::node& n, std::string_view k) { config.username = text(n, k); }},
            {"password", [&](const toml::node& n, std::string_view k) { config.password = text(n, k); }},
            {"clientId", [&](const toml::node& n, std::string_view k) { config.client_id = text(n, k); }},
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
    }

    bridge::mqtt_bridge_config read_mqtt(std::string name) {
        bridge::mqtt_bridge_config config;
        config.name = std::move(name);
        auto keys = connection_keys(config);
        keys.insert({
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
        });
        apply(keys, "an MQTT");
        check(config);
        return config;
    }

    bridge::amqp_bridge_config read_amqp(std::string name) {
        bridge::amqp_bridge_config config;
        config.name = std::move(name);
        auto keys = connection_keys(config);
        keys.insert({
            {"idleTimeout", [&](const toml::node& n, std::string_view k) {
                 config.idle_timeout_ms = static_cast<std::uint32_t>(integer(n, k, 0, 3'600'000));
             }},
            {"links", [&](const toml::node& n, std::string_view k) {
                 const auto* array = n.as_array();
                 if (!array) fail(n, k, "must be an array of tables { direction, local, remote, presettled }");
                 for (const auto& item : *array) config.links.push_back(amqp_link_rule(item, k));
             }},
        });
        apply(keys, "an AMQP");
        check(config);
        return config;
    }

    bridge::amqp_link_rule amqp_link_rule(const toml::node& node, std::string_view key) const {
        const auto* table = node.as_table();
        if (!table) fail(node, key, "each link is a table { direction, local, remote, presettled }");
        bridge::amqp_link_rule rule;
        for (const auto& [field, value] : *table) {
            const auto name = field.str();
            if (name == "direction") {
                const auto direction = text(value, "links.direction");
                if (direction != "out" && direction != "in")
                    fail(value, "links.direction", fmt::format("must be \"out\" or \"in\", got \"{}\"", direction));
                rule.direction = direction == "out" ? bridge::direction::out : bridge::direction::in;
            } else if (name == "local") {
                rule.local = text(value, "links.local");
            } else if (name == "remote") {
                rule.remote = text(value, "links.remote");
            } else if (name == "presettled") {
                rule.presettled = flag(value, "links.presettled");
            } else {
                fail(value, key, fmt::format("'{}' is not a link key (direction, local, remote, presettled)", name));
            }
        }
        if (!table->get("direction")) fail(node, "links.direction", "is missing: \"out\" or \"in\"");
        return rule;
    }

    void apply(const key_readers& keys, std::string_view kind) const {
        for (const auto& [key, node] : table_) {
            const auto known = keys.find(key.str());
            if (known == keys.end()) {
                std::string names;
                for (const auto& [name, reader] : keys) names += (names.empty() ? "" : ", ") + std::string(name);
                fail(node, key.str(), fmt::format("is not a key of {} bridge ({})", kind, names));
            }
            known->second(node, key.str());
        }
    }

    template <typename Config>
    void check(const Config& config) const {
        if (const auto problem = bridge::configuration_problem(config))
            throw startup_error(fmt::format("in {}:{}: bridge '{}', key {}", source_, table_.source().begin.line,
                                            config.name, *problem));
    }

    const toml::table& table_;
    std::string_view source_;
    std::size_t index_;
    std::string name_;
};

} // namespace

std::vector<bridge::bridge_config> read_bridges(const toml::array& entries, std::string_view source_name) {
    std::vector<bridge::bridge_config> bridges;
    std::set<std::string> names;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto* table = entries[i].as_table();
        if (!table)
            throw startup_error(fmt::format("in {}:{}: each bridge is a [[bridge]] table", source_name,
                                            entries[i].source().begin.line));
        auto config = entry_reader(*table, source_name, i).read();
        const auto& name = bridge::connection_of(config).name;
        if (!names.insert(name).second)
            throw startup_error(fmt::format("in {}:{}: a second bridge is named '{}'; bridge names must differ",
                                            source_name, table->source().begin.line, name));
        bridges.push_back(std::move(config));
    }
    return bridges;
}

} // namespace gantry::broker
