#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gantry/engine/result.hpp"
#include "gantry/protocols/remoting/remoting_error.hpp"

namespace gantry::protocols::remoting {

// The HEART_BEAT body (spec 4.1) as Java, Go, C++ and JavaScript clients
// write it: enums as names or ordinals, subVersion and codeSet elements as
// numbers or strings, empty sets and whole data sets possibly absent.
enum class consume_type { actively, passively, pop };
enum class message_model { broadcasting, clustering };
// ConsumeFromWhere by ordinal: LAST_OFFSET, LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST,
// MIN_OFFSET, MAX_OFFSET, FIRST_OFFSET, TIMESTAMP.
enum class consume_from_where { last_offset, last_offset_and_min_when_boot_first, min_offset, max_offset,
                                first_offset, timestamp };

struct subscription_data {
    std::string topic;
    std::string sub_string;
    std::vector<std::string> tags_set;
    std::vector<std::int32_t> code_set;
    std::int64_t sub_version = 0;
    std::string expression_type = "TAG"; // also when absent or null

    friend bool operator==(const subscription_data&, const subscription_data&) = default;
};

struct consumer_data {
    std::string group_name;
    consume_type type = consume_type::passively;
    message_model model = message_model::clustering;
    consume_from_where from_where = consume_from_where::last_offset;
    std::vector<subscription_data> subscriptions;
};

struct heartbeat_data {
    std::string client_id;
    std::vector<std::string> producer_groups;
    std::vector<consumer_data> consumers;
};

// Parses a HeartbeatData body (remoting_errc::malformed_body when it is not
// JSON or a member has an impossible type). Unknown members are ignored and
// null counts as absent, as fastjson does.
result<heartbeat_data> parse_heartbeat_data(std::span<const std::byte> body);

} // namespace gantry::protocols::remoting
