#pragma once

#include <cstdint>

// PULL_MESSAGE's sysFlag bits (spec 2.4.2).
namespace gantry::protocols::remoting::pull_sys_flag {

inline constexpr std::int32_t commit_offset = 0x1;
inline constexpr std::int32_t suspend = 0x2;
// The request carries its subscription; without it the broker uses the heartbeat's.
inline constexpr std::int32_t subscription = 0x4;

} // namespace gantry::protocols::remoting::pull_sys_flag
