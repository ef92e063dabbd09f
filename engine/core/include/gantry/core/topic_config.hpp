#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "gantry/core/core_error.hpp"

namespace gantry::core {

// Topic permission bits (specs §5.8): 6 = read and write, 7 = also a
// template for automatic creation.
inline constexpr std::int32_t perm_priority = 0x8;
inline constexpr std::int32_t perm_read = 0x4;
inline constexpr std::int32_t perm_write = 0x2;
inline constexpr std::int32_t perm_inherit = 0x1;

// Topic sys flag bits.
inline constexpr std::int32_t topic_sys_flag_unit = 0x1;
inline constexpr std::int32_t topic_sys_flag_unit_sub = 0x2;

// The records store the topic's length in a signed byte.
inline constexpr std::size_t max_topic_name_length = 127;
// Each queue is a directory of files; this bounds a typo, not a real need
// (RocketMQ's largest default, BenchmarkTest, has 1024).
inline constexpr std::int32_t max_queue_nums = 1024;
// The queue count clients ask for when a send creates a topic
// (defaultTopicQueueNums in the send header).
inline constexpr std::int32_t client_default_topic_queue_nums = 4;

// RocketMQ's TopicConfig, as topics.json and the native protocol carry it.
// topicFilterType is always SINGLE_TAG: no client or broker path reads it.
struct topic_config {
    std::string topic_name;
    std::int32_t read_queue_nums = 16;   // an admin-created topic's default
    std::int32_t write_queue_nums = 16;
    std::int32_t perm = perm_read | perm_write;
    std::int32_t topic_sys_flag = 0;
    bool order = false;

    bool readable() const noexcept { return (perm & perm_read) != 0; }
    bool writable() const noexcept { return (perm & perm_write) != 0; }
    bool inheritable() const noexcept { return (perm & perm_inherit) != 0; }

    friend bool operator==(const topic_config&, const topic_config&) = default;
};

namespace system_topic {
inline constexpr std::string_view auto_create_template = "TBW102"; // AUTO_CREATE_TOPIC_KEY_TOPIC
inline constexpr std::string_view schedule = "SCHEDULE_TOPIC_XXXX";
inline constexpr std::string_view trans_half = "RMQ_SYS_TRANS_HALF_TOPIC";
inline constexpr std::string_view trans_op_half = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
inline constexpr std::string_view trans_check_max_time = "TRANS_CHECK_MAX_TIME_TOPIC";
inline constexpr std::string_view trace = "RMQ_SYS_TRACE_TOPIC";
inline constexpr std::string_view self_test = "SELF_TEST_TOPIC";
inline constexpr std::string_view offset_moved_event = "OFFSET_MOVED_EVENT";
// RocketMQ 5.x names its own internal topics with this prefix.
inline constexpr std::string_view internal_prefix = "rmq_sys_";

inline constexpr std::array all = {auto_create_template, schedule,  trans_half,         trans_op_half,
                                   trans_check_max_time, trace,     self_test,          offset_moved_event};
} // namespace system_topic

inline constexpr std::string_view retry_topic_prefix = "%RETRY%";
inline constexpr std::string_view dlq_topic_prefix = "%DLQ%";

inline std::string retry_topic_name(std::string_view group) {
    return std::string(retry_topic_prefix).append(group);
}
inline std::string dlq_topic_name(std::string_view group) {
    return std::string(dlq_topic_prefix).append(group);
}
inline bool is_retry_topic(std::string_view name) noexcept { return name.starts_with(retry_topic_prefix); }
inline bool is_dlq_topic(std::string_view name) noexcept { return name.starts_with(dlq_topic_prefix); }

// Names the broker owns: clients and admins may not create or delete them.
inline bool is_system_topic(std::string_view name) noexcept {
    if (name.starts_with(system_topic::internal_prefix)) return true;
    for (const auto reserved : system_topic::all)
        if (name == reserved) return true;
    return false;
}

// RocketMQ's topic rule: 1..127 characters from [%|a-zA-Z0-9_-].
inline std::error_code validate_topic_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > max_topic_name_length) return core_errc::invalid_topic_name;
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-' || c == '%' || c == '|';
        if (!ok) return core_errc::invalid_topic_name;
    }
    return {};
}

// Checks what a client or admin may store: a valid, non-system name, queue
// counts within 1..max_queue_nums and only known permission bits.
inline std::error_code validate_topic_config(const topic_config& config) noexcept {
    if (const auto ec = validate_topic_name(config.topic_name)) return ec;
    if (is_system_topic(config.topic_name)) return core_errc::reserved_topic_name;
    const auto in_range = [](std::int32_t n) { return n >= 1 && n <= max_queue_nums; };
    if (!in_range(config.read_queue_nums) || !in_range(config.write_queue_nums)) return core_errc::invalid_topic_config;
    if ((config.perm & ~(perm_priority | perm_read | perm_write | perm_inherit)) != 0)
        return core_errc::invalid_topic_config;
    return {};
}

} // namespace gantry::core
