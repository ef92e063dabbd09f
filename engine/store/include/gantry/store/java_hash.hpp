#pragma once

#include <cstdint>
#include <string_view>

namespace gantry::store {

// Java's String.hashCode() of a UTF-8 string: h = 31*h + c over its UTF-16
// code units, wrapping at 32 bits. RocketMQ's consume-queue tag codes and
// index key hashes are defined this way (specs §3.7, §5.4). With
// `hash_before`, the hash of a string that `utf8` ends and whose beginning
// hashed to that: a concatenation's hash without the concatenation.
std::int32_t java_string_hash(std::string_view utf8, std::int32_t hash_before = 0) noexcept;

} // namespace gantry::store
