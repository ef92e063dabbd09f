#pragma once

#include <cassert>
#include <chrono>
#include <functional>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "gantry/broker/broker_config.hpp"
#include "gantry/broker/config_key.hpp"

// Helpers that turn a name, a line of help and an accessor into a complete
// config_key, so each key is written exactly once. An accessor is a generic
// lambda returning a reference to the field:
//
//     [](auto& c) -> auto& { return c.store.flush_interval; }
//
// The field's type picks the conversion (integers, std::chrono durations,
// strings, paths, enums); the field's default is the key's default.

namespace gantry::broker {

// Values an integer key accepts.
struct int_range {
    std::int64_t min;
    std::int64_t max;
    std::int64_t multiple_of;
};

constexpr int_range between(std::int64_t min, std::int64_t max) {
    return {min, max, 1};
}

// Unbounded above, as far as RocketMQ's int settings go.
constexpr int_range at_least(std::int64_t min) {
    return {min, std::numeric_limits<std::int32_t>::max(), 1};
}

// A check on a string value; returns the problem, worded like config_problem.
using text_check = std::function<config_problem(const std::string&)>;

// A text_check for names and paths that must be given.
config_problem non_empty(const std::string& text);

namespace detail {

inline config_key make_key(std::string name, value_type type, std::string hint, std::string help) {
    config_key key;
    key.name = std::move(name);
    key.type = type;
    key.hint = std::move(hint);
    key.help = std::move(help);
    return key;
}

template <typename T>
struct is_duration : std::false_type {};
template <typename Rep, typename Period>
struct is_duration<std::chrono::duration<Rep, Period>> : std::true_type {};

template <typename Field>
std::int64_t to_integer(const Field& field) {
    if constexpr (is_duration<Field>::value) {
        return static_cast<std::int64_t>(field.count());
    } else {
        return static_cast<std::int64_t>(field);
    }
}

template <typename Field>
Field from_integer(std::int64_t value) {
    if constexpr (is_duration<Field>::value) {
        return Field{static_cast<typename Field::rep>(value)};
    } else {
        return static_cast<Field>(value);
    }
}

config_problem check_range(const int_range& range, std::int64_t value);

// The number type a field stores: a duration's count, or the field itself.
template <typename Field>
struct stored_number {
    using type = Field;
};
template <typename Rep, typename Period>
struct stored_number<std::chrono::duration<Rep, Period>> {
    using type = Rep;
};

// The largest value a field holds, as an int64 (std::size_t's does not fit).
template <typename Field>
constexpr std::int64_t max_of() {
    using value = typename stored_number<Field>::type;
    constexpr auto largest = std::numeric_limits<value>::max();
    if constexpr (static_cast<unsigned long long>(largest) > static_cast<unsigned long long>(INT64_MAX))
        return INT64_MAX;
    else
        return static_cast<std::int64_t>(largest);
}

template <typename Access>
using field_t = std::remove_cvref_t<std::invoke_result_t<Access, broker_config&>>;

} // namespace detail

template <typename Access>
config_key integer_key(std::string name, std::string help, int_range range, Access access) {
    using field = detail::field_t<Access>;
    static_assert(std::is_integral_v<field> || detail::is_duration<field>::value,
                  "integer_key needs an integer or duration field");
    assert(range.max <= detail::max_of<field>() && "int_range wider than the field it fills");
    auto key = detail::make_key(std::move(name), value_type::integer, "INT", std::move(help));
    key.apply = [range, access](broker_config& config, const config_value& value) -> config_problem {
        const auto number = std::get<std::int64_t>(value);
        if (auto problem = detail::check_range(range, number)) {
            return problem;
        }
        access(config) = detail::from_integer<field>(number);
        return std::nullopt;
    };
    key.read = [access](const broker_config& config) -> config_value { return detail::to_integer(access(config)); };
    return key;
}

template <typename Access>
config_key bool_key(std::string name, std::string help, Access access) {
    static_assert(std::is_same_v<detail::field_t<Access>, bool>, "bool_key needs a bool field");
    auto key = detail::make_key(std::move(name), value_type::boolean, "BOOL", std::move(help));
    key.apply = [access](broker_config& config, const config_value& value) -> config_problem {
        access(config) = std::get<bool>(value);
        return std::nullopt;
    };
    key.read = [access](const broker_config& config) -> config_value { return access(config); };
    return key;
}

// A std::string or std::filesystem::path field, with an optional check.
template <typename Access>
config_key string_key(std::string name, std::string help, Access access, text_check check = {}) {
    using field = detail::field_t<Access>;
    static_assert(std::is_same_v<field, std::string> || std::is_same_v<field, std::filesystem::path>,
                  "string_key needs a string or path field");
    auto key = detail::make_key(std::move(name), value_type::string, "TEXT", std::move(help));
    key.apply = [access, check = std::move(check)](broker_config& config, const config_value& value) -> config_problem {
        const auto& text = std::get<std::string>(value);
        if (check) {
            if (auto problem = check(text)) {
                return problem;
            }
        }
        access(config) = field(text);
        return std::nullopt;
    };
    key.read = [access](const broker_config& config) -> config_value {
        if constexpr (std::is_same_v<field, std::filesystem::path>) {
            return access(config).string();
        } else {
            return access(config);
        }
    };
    return key;
}

// A field that takes one of a fixed set of names (an enum, usually).
template <typename Access>
config_key choice_key(std::string name, std::string help,
                      std::vector<std::pair<std::string, detail::field_t<Access>>> choices, Access access) {
    std::vector<std::string> names;
    for (const auto& choice : choices) {
        names.push_back(choice.first);
    }
    const auto listed = names.size() == 2 ? fmt::format("{} or {}", names[0], names[1])
                                          : fmt::format("one of {}", fmt::join(names, ", "));
    auto key = detail::make_key(std::move(name), value_type::string, fmt::format("{}", fmt::join(names, "|")),
                                std::move(help));
    key.apply = [choices, listed, access](broker_config& config, const config_value& value) -> config_problem {
        const auto& text = std::get<std::string>(value);
        for (const auto& [choice_name, choice] : choices) {
            if (choice_name == text) {
                access(config) = choice;
                return std::nullopt;
            }
        }
        return fmt::format("must be {}, got '{}'", listed, text);
    };
    key.read = [choices, access](const broker_config& config) -> config_value {
        for (const auto& [choice_name, choice] : choices) {
            if (choice == access(config)) {
                return choice_name;
            }
        }
        return std::string{};
    };
    return key;
}

// A field written as text in a form of its own. `parse` is
// config_problem(const std::string&, Field&); `format` is
// std::string(const Field&).
template <typename Access, typename Parse, typename Format>
config_key text_key(std::string name, std::string help, std::string hint, Access access, Parse parse, Format format) {
    using field = detail::field_t<Access>;
    auto key = detail::make_key(std::move(name), value_type::string, std::move(hint), std::move(help));
    key.apply = [access, parse](broker_config& config, const config_value& value) -> config_problem {
        field parsed{};
        if (auto problem = parse(std::get<std::string>(value), parsed)) {
            return problem;
        }
        access(config) = std::move(parsed);
        return std::nullopt;
    };
    key.read = [access, format](const broker_config& config) -> config_value { return format(access(config)); };
    return key;
}

} // namespace gantry::broker
