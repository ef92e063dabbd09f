#pragma once

#include <cstdint>
#include <string_view>

namespace gantry::store {

// Java's String.hashCode() of a UTF-8 string: h = 31*h + c over its UTF-16
// code units, wrapping at 32 bits. RocketMQ's consume-queue tag codes and
// index key hashes are defined this way (specs §3.7, §5.4).
std::int32_t java_string_hash(std::string_view utf8) noexcept;

} // namespace gantry::store
