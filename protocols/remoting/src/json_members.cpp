#include "json_members.hpp"

namespace gantry::protocols::remoting::json_members {

const nlohmann::json* member(const nlohmann::json& object, std::string_view key) {
    const auto it = object.find(key);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::string text(const nlohmann::json& object, std::string_view key, std::string fallback) {
    const auto* value = member(object, key);
    if (!value) return fallback;
    if (value->is_string()) return value->get<std::string>();
    if (value->is_number() || value->is_boolean()) return value->dump();
    throw shape_error{};
}

} // namespace gantry::protocols::remoting::json_members
