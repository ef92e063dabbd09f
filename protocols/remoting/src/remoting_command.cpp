#include "gantry/protocols/remoting/remoting_command.hpp"

#include <limits>

#include "gantry/protocols/remoting/remoting_error.hpp"

namespace gantry::protocols::remoting {

namespace {

// Integer.parseInt / Long.parseLong restricted to ASCII digits (Java also
// takes other Unicode decimal digits; no client sends them).
template <typename Int>
std::optional<Int> parse_java_integer(std::string_view text) noexcept {
    if (text.empty()) return std::nullopt;
    std::size_t pos = 0;
    const bool negative = text[0] == '-';
    if (text[0] == '-' || text[0] == '+') ++pos;
    if (pos == text.size()) return std::nullopt;
    // Accumulate negatively so the minimum value parses without overflow.
    Int value = 0;
    constexpr Int min = std::numeric_limits<Int>::min();
    for (; pos < text.size(); ++pos) {
        const char c = text[pos];
        if (c < '0' || c > '9') return std::nullopt;
        const Int digit = c - '0';
        if (value < (min + digit) / 10) return std::nullopt;
        value = static_cast<Int>(value * 10 - digit);
    }
    if (negative) return value;
    if (value == min) return std::nullopt;
    return static_cast<Int>(-value);
}

} // namespace

std::optional<std::int32_t> parse_java_int(std::string_view text) noexcept {
    return parse_java_integer<std::int32_t>(text);
}

std::optional<std::int64_t> parse_java_long(std::string_view text) noexcept {
    return parse_java_integer<std::int64_t>(text);
}

const std::string* remoting_command::find_ext(std::string_view key) const {
    const auto it = ext_fields.find(key);
    return it == ext_fields.end() ? nullptr : &it->second;
}

result<std::string_view> remoting_command::ext_string(std::string_view key) const {
    const auto* value = find_ext(key);
    if (value == nullptr) return remoting_errc::ext_field_missing;
    return std::string_view(*value);
}

result<std::int32_t> remoting_command::ext_int32(std::string_view key) const {
    const auto* value = find_ext(key);
    if (value == nullptr) return remoting_errc::ext_field_missing;
    const auto parsed = parse_java_int(*value);
    if (!parsed) return remoting_errc::ext_field_not_a_number;
    return *parsed;
}

result<std::int64_t> remoting_command::ext_int64(std::string_view key) const {
    const auto* value = find_ext(key);
    if (value == nullptr) return remoting_errc::ext_field_missing;
    const auto parsed = parse_java_long(*value);
    if (!parsed) return remoting_errc::ext_field_not_a_number;
    return *parsed;
}

result<bool> remoting_command::ext_bool(std::string_view key) const {
    const auto* value = find_ext(key);
    if (value == nullptr) return remoting_errc::ext_field_missing;
    constexpr std::string_view truth = "true";
    if (value->size() != truth.size()) return false;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        const char c = (*value)[i];
        const char lower = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        if (lower != truth[i]) return false;
    }
    return true;
}

std::string ext_field_remark(const remoting_command& request, std::string_view key, std::error_code error) {
    std::string remark = "the request header field ";
    remark += key;
    if (error == remoting_errc::ext_field_not_a_number) {
        remark += " is not a number: ";
        if (const auto* value = request.find_ext(key)) remark += *value;
        return remark;
    }
    if (error == remoting_errc::ext_field_missing) return remark + " is missing";
    return remark + ": " + error.message();
}

remoting_command make_response(const remoting_command& request, std::int32_t code, std::optional<std::string> remark) {
    remoting_command response;
    response.code = code;
    response.opaque = request.opaque;
    response.flag = response_flag;
    response.remark = std::move(remark);
    response.serialization = request.serialization;
    return response;
}

} // namespace gantry::protocols::remoting
