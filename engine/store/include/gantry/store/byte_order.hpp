#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

namespace gantry::store {

using bytes_view = std::span<const std::byte>;
using mutable_bytes = std::span<std::byte>;

inline bytes_view as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
inline std::string_view as_chars(bytes_view b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Every integer on disk and on the wire is big-endian (specs §1, §3).
template <typename T>
    requires std::is_integral_v<T>
inline T load_be(const std::byte* p) {
    std::make_unsigned_t<T> v;
    std::memcpy(&v, p, sizeof v);
    if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) {
        if constexpr (sizeof(T) == 2) v = __builtin_bswap16(v);
        if constexpr (sizeof(T) == 4) v = __builtin_bswap32(v);
        if constexpr (sizeof(T) == 8) v = __builtin_bswap64(v);
    }
    return static_cast<T>(v);
}

template <typename T>
    requires std::is_integral_v<T>
inline void store_be(std::byte* p, T value) {
    auto v = static_cast<std::make_unsigned_t<T>>(value);
    if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) {
        if constexpr (sizeof(T) == 2) v = __builtin_bswap16(v);
        if constexpr (sizeof(T) == 4) v = __builtin_bswap32(v);
        if constexpr (sizeof(T) == 8) v = __builtin_bswap64(v);
    }
    std::memcpy(p, &v, sizeof v);
}

} // namespace gantry::store
