#pragma once

#include <system_error>

namespace gantry::core {

// Failures the engine core reports as values; system call failures travel as
// std::errc / system_category codes instead. One enum for the whole module:
// new values go at the end and existing ones are never renumbered, because
// protocol modules map them to wire codes.
enum class core_errc {
    topic_not_exist = 1,   // unknown topic and automatic creation is off or not allowed for it
    invalid_topic_name,    // empty, longer than 127, or characters outside [%|a-zA-Z0-9_-]
    reserved_topic_name,   // a system topic name (TBW102, SCHEDULE_TOPIC_XXXX, rmq_sys_…)
    invalid_topic_config,  // queue counts or permission bits out of range
    no_permission,         // the topic's perm (or the broker's) does not allow the operation
    metadata_corrupt,      // a config/*.json file and its .bak are both unusable
    invalid_property,      // a property name or value holds 0x00/0x01/0x02, or a key holds a space
    properties_too_long,   // the encoded properties exceed 32767 bytes
    retained_with_delivery_time, // a retained message with a delivery time in the future
    invalid_filter,        // a tag expression or selector that does not parse
    group_mode_conflict,   // the group already consumes in another delivery mode
    exclusive_group_busy,  // an exclusive group already has its one consumer
    message_not_found,     // no stored message has that id
    no_such_queue,         // a queue id outside the topic's queues
    group_in_use,          // deleting a consumer group that still has members
    topic_deleted,         // a subscription ended because an administrator deleted its topic
    invalid_group_name,    // a consumer group name its %RETRY% topic could not carry
    invalid_group_config,  // consumer group settings out of range
};

const std::error_category& core_category() noexcept;

inline std::error_code make_error_code(core_errc e) noexcept {
    return {static_cast<int>(e), core_category()};
}

} // namespace gantry::core

template <>
struct std::is_error_code_enum<gantry::core::core_errc> : std::true_type {};
