#pragma once

#include <cstdint>

// Response codes (spec 2.2), as plain int32 constants like request_code.
namespace gantry::protocols::remoting::response_code {

inline constexpr std::int32_t success = 0;
inline constexpr std::int32_t system_error = 1;
inline constexpr std::int32_t system_busy = 2;
inline constexpr std::int32_t request_code_not_supported = 3;
inline constexpr std::int32_t transaction_failed = 4;
inline constexpr std::int32_t flush_disk_timeout = 10;
inline constexpr std::int32_t slave_not_available = 11;
inline constexpr std::int32_t flush_slave_timeout = 12;
inline constexpr std::int32_t message_illegal = 13;
inline constexpr std::int32_t service_not_available = 14;
inline constexpr std::int32_t version_not_supported = 15;
inline constexpr std::int32_t no_permission = 16;
inline constexpr std::int32_t topic_not_exist = 17;
inline constexpr std::int32_t topic_exist_already = 18;
inline constexpr std::int32_t pull_not_found = 19;
inline constexpr std::int32_t pull_retry_immediately = 20;
inline constexpr std::int32_t pull_offset_moved = 21;
inline constexpr std::int32_t query_not_found = 22;
inline constexpr std::int32_t subscription_parse_failed = 23;
inline constexpr std::int32_t subscription_not_exist = 24;
inline constexpr std::int32_t subscription_not_latest = 25;
inline constexpr std::int32_t subscription_group_not_exist = 26;
inline constexpr std::int32_t filter_data_not_exist = 27;
inline constexpr std::int32_t filter_data_not_latest = 28;
inline constexpr std::int32_t invalid_parameter = 29;  // 5.x
inline constexpr std::int32_t transaction_should_commit = 200;
inline constexpr std::int32_t transaction_should_rollback = 201;
inline constexpr std::int32_t transaction_state_unknow = 202;  // upstream spelling
inline constexpr std::int32_t transaction_state_group_wrong = 203;
inline constexpr std::int32_t no_buyer_id = 204;
inline constexpr std::int32_t not_in_current_unit = 205;
inline constexpr std::int32_t consumer_not_online = 206;
inline constexpr std::int32_t consume_msg_timeout = 207;
inline constexpr std::int32_t no_message = 208;
// 209-211 changed meaning between 4.x (ACL failures) and 5.x (polling).
inline constexpr std::int32_t update_and_create_acl_config_failed = 209;  // 4.x
inline constexpr std::int32_t delete_acl_config_failed = 210;             // 4.x
inline constexpr std::int32_t update_global_whiteaddrs_config_failed = 211; // 4.x
inline constexpr std::int32_t polling_full = 209;                         // 5.x
inline constexpr std::int32_t polling_timeout = 210;                      // 5.x
inline constexpr std::int32_t broker_not_exist = 211;                     // 5.x
inline constexpr std::int32_t broker_dispatch_not_complete = 212;         // 5.x
inline constexpr std::int32_t broadcast_consumption = 213;                // 5.x
inline constexpr std::int32_t flow_control = 215;
inline constexpr std::int32_t not_leader_for_queue = 501;  // 5.x static topics
inline constexpr std::int32_t illegal_operation = 604;     // 5.x
inline constexpr std::int32_t go_away = 1500;              // 5.x graceful close

} // namespace gantry::protocols::remoting::response_code
