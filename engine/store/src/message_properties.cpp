#include "gantry/store/message_properties.hpp"

namespace gantry::store {

std::optional<std::string_view> find_property(std::string_view properties, std::string_view name) {
    std::optional<std::string_view> found;
    for_each_property(properties, [&](std::string_view n, std::string_view v) {
        if (!found && n == name) found = v;
    });
    return found;
}

void append_property(std::string& properties, std::string_view name, std::string_view value) {
    if (!properties.empty() && properties.back() != property_separator) properties += property_separator;
    properties.append(name);
    properties += name_value_separator;
    properties.append(value);
}

} // namespace gantry::store
