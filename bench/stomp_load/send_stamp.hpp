#pragma once

#include <charconv>
#include <chrono>
#include <cstdint>
#include <string>

namespace stomp_load {

// The send time a producer writes at the front of every body: steady_clock
// nanoseconds as 20 decimal digits, so bodies stay text for any broker.
inline constexpr std::size_t stamp_size = 20;

inline std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

inline void write_stamp(std::string& body, std::int64_t ns) {
    for (std::size_t i = stamp_size; i-- > 0; ns /= 10) body[i] = static_cast<char>('0' + ns % 10);
}

// The stamp, or -1 when the body does not start with one.
inline std::int64_t read_stamp(const std::string& body) {
    std::int64_t ns = -1;
    if (body.size() < stamp_size) return -1;
    const auto [end, ec] = std::from_chars(body.data(), body.data() + stamp_size, ns);
    return ec == std::errc{} && end == body.data() + stamp_size ? ns : -1;
}

} // namespace stomp_load
