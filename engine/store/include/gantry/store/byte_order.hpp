#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "gantry/engine/byte_order.hpp"

namespace gantry::store {

using gantry::load_be;
using gantry::store_be;

using bytes_view = std::span<const std::byte>;
using mutable_bytes = std::span<std::byte>;

inline bytes_view as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
inline std::string_view as_chars(bytes_view b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

} // namespace gantry::store
