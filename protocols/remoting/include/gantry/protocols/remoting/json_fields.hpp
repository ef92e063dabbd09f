#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

// fastjson's leniency when reading a JSON body's field: numbers given as
// strings, booleans as strings or 0/1, null as absent. Shared by the
// broker, the name server and the client.
namespace gantry::protocols::remoting::json_fields {

std::optional<std::int64_t> as_long(const nlohmann::json& value);
std::optional<std::int32_t> as_int(const nlohmann::json& value);
std::optional<bool> as_bool(const nlohmann::json& value);

// Reads `object[key]` into `target` with `read` when present and not null;
// false when present with a value `read` refuses.
template <typename T, typename Read>
bool read_optional(const nlohmann::json& object, const char* key, T& target, Read read) {
    const auto found = object.find(key);
    if (found == object.end() || found->is_null()) return true;
    const auto value = read(*found);
    if (!value) return false;
    target = *value;
    return true;
}

// A body's compact text. Names in it are the brokers', clients' and
// operators' own text: invalid UTF-8 is replaced rather than failing the dump.
std::string to_body_text(const nlohmann::json& body);

} // namespace gantry::protocols::remoting::json_fields
