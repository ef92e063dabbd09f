#pragma once

#include <string>
#include <string_view>

#include "gantry/store/message_properties.hpp"

namespace gantry::core {

// An encoded property string without the properties named in `drop`.
template <typename... Names>
std::string properties_without(std::string_view properties, Names... drop) {
    std::string out;
    out.reserve(properties.size());
    store::for_each_property(properties, [&](std::string_view name, std::string_view value) {
        if (((name == drop) || ...)) return;
        store::append_property(out, name, value);
    });
    return out;
}

} // namespace gantry::core
