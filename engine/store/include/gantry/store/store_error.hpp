#pragma once

#include <system_error>

namespace gantry::store {

// Failures the store reports as values. System call failures travel as
// std::errc / system_category codes instead.
enum class store_errc {
    message_too_large = 1,   // body or record above maxMessageSize
    topic_too_long,          // a V1 record holds at most 127 topic bytes
    properties_too_long,     // the property string holds at most 32767 bytes
    nul_in_text,             // topics and properties are text without NUL bytes
    disk_full,               // disk above diskSpaceWarningLevelRatio: appends refused
    not_writable,            // store is shutting down or failed to recover
    flush_timeout,           // stored, but not made durable within syncFlushTimeout
    corrupt_file,            // a store file has a size or name the store did not write
    locked,                  // another process holds the data directory
    dispatch_behind,         // a deleted topic's queues wait for the dispatcher to reach the deletion
};

const std::error_category& store_category() noexcept;

inline std::error_code make_error_code(store_errc e) noexcept {
    return {static_cast<int>(e), store_category()};
}

} // namespace gantry::store

template <>
struct std::is_error_code_enum<gantry::store::store_errc> : std::true_type {};
