#include "gantry/protocols/remoting/json_fields.hpp"

#include <cmath>
#include <limits>

#include "gantry/protocols/remoting/remoting_command.hpp"

namespace gantry::protocols::remoting::json_fields {

std::optional<std::int64_t> as_long(const nlohmann::json& value) {
    if (value.is_number_unsigned()) {
        const auto number = value.get<std::uint64_t>();
        if (number > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
        return static_cast<std::int64_t>(number);
    }
    if (value.is_number_integer()) return value.get<std::int64_t>();
    if (value.is_number_float()) {
        // fastjson truncates 8.0 to 8; a fraction is still a number it accepts.
        const double number = std::trunc(value.get<double>());
        if (!(std::abs(number) < 9.2e18)) return std::nullopt;
        return static_cast<std::int64_t>(number);
    }
    if (value.is_string()) return parse_java_long(value.get_ref<const std::string&>());
    return std::nullopt;
}

std::optional<std::int32_t> as_int(const nlohmann::json& value) {
    const auto number = as_long(value);
    if (!number || *number < std::numeric_limits<std::int32_t>::min() ||
        *number > std::numeric_limits<std::int32_t>::max()) {
        return std::nullopt;
    }
    return static_cast<std::int32_t>(*number);
}

std::optional<bool> as_bool(const nlohmann::json& value) {
    if (value.is_boolean()) return value.get<bool>();
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        if (text == "true") return true;
        if (text == "false") return false;
        return std::nullopt;
    }
    if (const auto number = as_long(value); number && (*number == 0 || *number == 1)) return *number == 1;
    return std::nullopt;
}

std::string to_body_text(const nlohmann::json& body) {
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace gantry::protocols::remoting::json_fields
