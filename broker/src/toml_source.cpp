#include "gantry/broker/toml_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "bridge_entries.hpp"
#include "gantry/broker/startup_error.hpp"

namespace gantry::broker {

namespace {

// What a value that fits no key type is, for the error message.
std::string describe(const toml::node& node) {
    switch (node.type()) {
    case toml::node_type::floating_point: return fmt::format("a float ({})", *node.value<double>());
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "a value of another type";
    }
}

std::optional<config_value> to_value(const toml::node& node) {
    if (auto text = node.value_exact<std::string>()) {
        return config_value{std::move(*text)};
    }
    if (auto number = node.value_exact<std::int64_t>()) {
        return config_value{*number};
    }
    if (auto flag = node.value_exact<bool>()) {
        return config_value{*flag};
    }
    return std::nullopt;
}

// One setting of the file: `[mqtt]` then `maxConnections = 5` is the key
// "mqtt.maxConnections", as is a top-level `"mqtt.maxConnections" = 5`.
struct entry {
    std::string name;
    const toml::key* key;
    const toml::node* node;
};

void collect(const toml::table& table, const std::string& prefix, std::vector<entry>& out) {
    for (const auto& [key, node] : table) {
        auto name = prefix + std::string(key.str());
        if (const auto* inner = node.as_table()) {
            collect(*inner, name + ".", out);
        } else {
            out.push_back({std::move(name), &key, &node});
        }
    }
}

} // namespace

void apply_toml_file(const config_registry& registry, broker_config& config, const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw startup_error(
            fmt::format("cannot read configuration file '{}': {}", file.string(), std::strerror(errno)));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw startup_error(
            fmt::format("cannot read configuration file '{}': {}", file.string(), std::strerror(errno)));
    }
    apply_toml_text(registry, config, text.str(), file.string());
}

void apply_toml_text(const config_registry& registry, broker_config& config, std::string_view text,
                     std::string_view source_name) {
    toml::table table;
    try {
        table = toml::parse(text, source_name);
    } catch (const toml::parse_error& error) {
        const auto& begin = error.source().begin;
        throw startup_error(
            fmt::format("syntax error in {}:{}:{}: {}", source_name, begin.line, begin.column, error.description()));
    }

    // [[bridge]] entries are tables of their own keys, not settings.
    if (const auto* bridges = table.get("bridge")) {
        const auto* entries = bridges->as_array();
        if (!entries)
            throw startup_error(fmt::format("in {}:{}: write bridges as [[bridge]] tables, one per bridge", source_name,
                                            bridges->source().begin.line));
        config.bridges = read_bridges(*entries, source_name);
        table.erase("bridge");
    }

    // toml::table orders keys by name; report problems in file order instead.
    std::vector<entry> entries;
    collect(table, "", entries);
    std::ranges::sort(entries, {}, [](const entry& e) { return e.key->source().begin.line; });

    for (const auto& [name, key, node] : entries) {
        const auto where = fmt::format("in {}:{}", source_name, key->source().begin.line);
        const auto* known = registry.find(name);
        if (known == nullptr) {
            registry.throw_unknown(name, where);
        }
        auto value = to_value(*node);
        if (!value) {
            config_registry::throw_wrong_type(*known, describe(*node), where);
        }
        registry.apply(config, known->name, *value, where);
    }
}

} // namespace gantry::broker
