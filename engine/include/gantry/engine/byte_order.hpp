#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace gantry {

// Every integer on disk and on the RocketMQ wire is big-endian (specs §1, §3).
template <typename T>
    requires std::is_integral_v<T>
inline T load_be(const std::byte* p) noexcept {
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
inline void store_be(std::byte* p, T value) noexcept {
    auto v = static_cast<std::make_unsigned_t<T>>(value);
    if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) {
        if constexpr (sizeof(T) == 2) v = __builtin_bswap16(v);
        if constexpr (sizeof(T) == 4) v = __builtin_bswap32(v);
        if constexpr (sizeof(T) == 8) v = __builtin_bswap64(v);
    }
    std::memcpy(p, &v, sizeof v);
}

template <typename T>
    requires std::is_integral_v<T>
inline void append_be(std::vector<std::byte>& out, T value) {
    const auto at = out.size();
    out.resize(at + sizeof(T));
    store_be(out.data() + at, value);
}

} // namespace gantry
