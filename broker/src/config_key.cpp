#include "gantry/broker/config_key.hpp"

#include <fmt/format.h>

namespace gantry::broker {

std::string_view expected_text(value_type type) noexcept {
    switch (type) {
    case value_type::boolean: return "true or false";
    case value_type::integer: return "an integer";
    case value_type::string: return "a string";
    }
    return "a value";
}

std::string to_toml_text(const config_value& value) {
    if (const auto* text = std::get_if<std::string>(&value)) {
        std::string quoted = "\"";
        for (char c : *text) {
            if (c == '"' || c == '\\') {
                quoted += '\\';
            }
            quoted += c;
        }
        return quoted + '"';
    }
    return to_plain_text(value);
}

std::string to_plain_text(const config_value& value) {
    if (const auto* flag = std::get_if<bool>(&value)) {
        return *flag ? "true" : "false";
    }
    if (const auto* number = std::get_if<std::int64_t>(&value)) {
        return fmt::to_string(*number);
    }
    return std::get<std::string>(value);
}

} // namespace gantry::broker
