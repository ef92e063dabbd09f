#pragma once

#include <nlohmann/json.hpp>

#include <limits>

#include "gantry/core/data_version.hpp"

// Reading the fields of the config/*.json documents the engine writes:
// a missing field keeps its default, as fastjson does; a present one of the
// wrong type or out of range makes the document unusable (json_file then
// tries the backup).
namespace gantry::core::json_fields {

template <typename Int>
bool read_int(const nlohmann::json& object, const char* key, Int& out) {
    const auto it = object.find(key);
    if (it == object.end()) return true;
    if (!it->is_number_integer()) return false;
    const auto value = it->get<std::int64_t>();
    if (value < std::numeric_limits<Int>::min() || value > std::numeric_limits<Int>::max()) return false;
    out = static_cast<Int>(value);
    return true;
}

inline bool read_bool(const nlohmann::json& object, const char* key, bool& out) {
    const auto it = object.find(key);
    if (it == object.end()) return true;
    if (!it->is_boolean()) return false;
    out = it->get<bool>();
    return true;
}

// The document's "dataVersion" member, when it has one.
inline bool read_data_version(const nlohmann::json& document, data_version& out) {
    const auto it = document.find("dataVersion");
    if (it == document.end()) return true;
    return it->is_object() && read_int(*it, "timestamp", out.timestamp) && read_int(*it, "counter", out.counter);
}

inline nlohmann::json data_version_json(const data_version& version) {
    return {{"timestamp", version.timestamp}, {"counter", version.counter}};
}

// A table as RocketMQ's config managers write it:
// {"<table_key>":{"<name>":<encode(entry)>,...},"dataVersion":{...}}.
template <typename Table, typename Encode>
nlohmann::json table_document(const char* table_key, const Table& table, Encode encode, const data_version& version) {
    nlohmann::json document;
    auto& entries = document[table_key] = nlohmann::json::object();
    for (const auto& [name, entry] : table) entries[name] = encode(entry);
    document["dataVersion"] = data_version_json(version);
    return document;
}

} // namespace gantry::core::json_fields
