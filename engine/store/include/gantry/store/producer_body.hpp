#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "gantry/store/message_record.hpp"

namespace gantry::store {

// The body of a record as its producer gave it. RocketMQ clients compress
// bodies past a size (4 KiB by default) and say so in the record's sysFlag
// (specs §3.2): ZLIB ones are inflated here. One compressed otherwise, or
// one that does not inflate within max_inflated_body, stays as stored, and
// `problem` says why, for the caller to report.
struct producer_body {
    std::string bytes;
    std::string_view problem; // empty when `bytes` are what the producer sent
};

// A small record must not become an unbounded allocation.
inline constexpr std::size_t max_inflated_body = 64 * 1024 * 1024;

producer_body body_as_sent(const decoded_record& record);

} // namespace gantry::store
