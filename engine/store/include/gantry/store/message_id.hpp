#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gantry/store/socket_address.hpp"

namespace gantry::store {

// RocketMQ's offset message id (specs §3.6): upper-case hex of the store
// host's address bytes, its port (i32) and the record's commit-log offset
// (i64): 32 characters for IPv4, 56 for IPv6.
std::string offset_message_id(const socket_address& store_host, std::int64_t physical_offset);

struct decoded_message_id {
    socket_address store_host;
    std::int64_t physical_offset = 0;
};
std::optional<decoded_message_id> decode_offset_message_id(std::string_view id);

} // namespace gantry::store
