#include "gantry/broker/config_registry.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "gantry/broker/startup_error.hpp"
#include "key_suggestion.hpp"

namespace gantry::broker {

namespace {

std::optional<config_value> parse_text(value_type type, std::string_view text) {
    switch (type) {
    case value_type::boolean:
        if (text == "true") {
            return config_value{true};
        }
        if (text == "false") {
            return config_value{false};
        }
        return std::nullopt;
    case value_type::integer: {
        std::int64_t number = 0;
        const auto* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, number);
        if (error != std::errc{} || stop != end || text.empty()) {
            return std::nullopt;
        }
        return config_value{number};
    }
    case value_type::string: return config_value{std::string(text)};
    }
    return std::nullopt;
}

} // namespace

void config_registry::add(std::string group, config_key key) {
    if (find(key.name) != nullptr) {
        // Two modules claiming one key is a bug in the build, not in a file.
        std::fprintf(stderr, "gantryd: configuration key '%s' registered twice\n", key.name.c_str());
        std::abort();
    }
    key.group = std::move(group);
    keys_.push_back(std::move(key));
}

void config_registry::add_finisher(config_finisher finisher) {
    finishers_.push_back(std::move(finisher));
}

const config_key* config_registry::find(std::string_view name) const noexcept {
    for (const auto& key : keys_) {
        if (key.name == name) {
            return &key;
        }
    }
    return nullptr;
}

std::optional<std::string> config_registry::nearest(std::string_view name) const {
    std::vector<std::string_view> names;
    names.reserve(keys_.size());
    for (const auto& key : keys_) {
        names.push_back(key.name);
    }
    return suggest_name(name, names);
}

void config_registry::apply(broker_config& config, std::string_view name, const config_value& value,
                            std::string_view where) const {
    const auto* key = find(name);
    if (key == nullptr) {
        throw_unknown(name, where);
    }
    const bool type_matches = (key->type == value_type::boolean && std::holds_alternative<bool>(value)) ||
                              (key->type == value_type::integer && std::holds_alternative<std::int64_t>(value)) ||
                              (key->type == value_type::string && std::holds_alternative<std::string>(value));
    if (!type_matches) {
        throw_wrong_type(*key, to_toml_text(value), where);
    }
    if (auto problem = key->apply(config, value)) {
        throw startup_error(fmt::format("{} {} {}", key->name, *problem, where));
    }
}

void config_registry::apply_text(broker_config& config, std::string_view name, std::string_view text,
                                 std::string_view where) const {
    const auto* key = find(name);
    if (key == nullptr) {
        throw_unknown(name, where);
    }
    auto value = parse_text(key->type, text);
    if (!value) {
        throw_wrong_type(*key, fmt::format("'{}'", text), where);
    }
    apply(config, name, *value, where);
}

void config_registry::finish(broker_config& config) const {
    for (const auto& finisher : finishers_) {
        if (auto problem = finisher(config)) {
            throw startup_error(*problem);
        }
    }
}

void config_registry::throw_unknown(std::string_view name, std::string_view where) const {
    auto message = fmt::format("unknown configuration key '{}' {}", name, where);
    if (auto suggestion = nearest(name)) {
        message += fmt::format("; did you mean '{}'?", *suggestion);
    }
    throw startup_error(message);
}

void config_registry::throw_wrong_type(const config_key& key, std::string_view found, std::string_view where) {
    throw startup_error(fmt::format("{} must be {}, got {} {}", key.name, expected_text(key.type), found, where));
}

} // namespace gantry::broker
