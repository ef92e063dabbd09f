#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "gantry/store/byte_order.hpp"
#include "gantry/store/socket_address.hpp"

namespace gantry::store {

// RocketMQ's commit-log record (specs §3.1), magic V1: the form every 4.x
// client decodes, so a native pull can send records as they lie on disk.
inline constexpr std::int32_t message_magic_v1 = static_cast<std::int32_t>(0xDAA320A7u);
inline constexpr std::int32_t blank_magic = static_cast<std::int32_t>(0xCBD43194u);
// An end-of-segment blank: i32 remaining size, i32 blank magic.
inline constexpr std::int32_t blank_record_size = 8;
// V1 topics carry a signed one-byte length.
inline constexpr std::size_t max_topic_length = 127;
inline constexpr std::size_t max_properties_length = 32767;

namespace sys_flag {
inline constexpr std::int32_t compressed = 0x1;
// With compressed: 0 or 3 ZLIB, 1 LZ4, 2 ZSTD (RocketMQ 5 clients).
inline constexpr std::int32_t compression_type_mask = 0x700;
inline constexpr std::int32_t multi_tags = 0x2;
inline constexpr std::int32_t transaction_mask = 0xC;
inline constexpr std::int32_t transaction_not = 0x0;
inline constexpr std::int32_t transaction_prepared = 0x4;
inline constexpr std::int32_t transaction_commit = 0x8;
inline constexpr std::int32_t transaction_rollback = 0xC;
inline constexpr std::int32_t born_host_v6 = 0x10;
inline constexpr std::int32_t store_host_v6 = 0x20;
} // namespace sys_flag

// Prepared and rollback transactional records take no queue offset and are
// never dispatched to a consume queue (specs §5.2).
inline bool takes_queue_offset(std::int32_t flags) {
    const auto t = flags & sys_flag::transaction_mask;
    return t != sys_flag::transaction_prepared && t != sys_flag::transaction_rollback;
}

// What a producer hands the store; the store adds offsets, store time and host.
struct message_to_store {
    std::string_view topic;
    std::int32_t queue_id = 0;
    std::int32_t flag = 0;
    bytes_view body;
    std::string_view properties; // encoded property string (specs §3.3)
    std::int32_t sys_flag = 0;   // host-version bits are set by the encoder
    std::int64_t born_timestamp = 0;
    socket_address born_host;
    std::int32_t reconsume_times = 0;
    std::int64_t prepared_transaction_offset = 0;
};

// The fields the store decides while appending.
struct record_stamp {
    std::int64_t physical_offset = 0;
    std::int64_t queue_offset = 0;
    std::int64_t store_timestamp = 0;
    std::int32_t body_crc = 0;
};

// A decoded record; the views point into the bytes it was decoded from.
struct decoded_record {
    std::int32_t total_size = 0;
    std::int32_t body_crc = 0;
    std::int32_t queue_id = 0;
    std::int32_t flag = 0;
    std::int64_t queue_offset = 0;
    std::int64_t physical_offset = 0;
    std::int32_t sys_flag = 0;
    std::int64_t born_timestamp = 0;
    socket_address born_host;
    std::int64_t store_timestamp = 0;
    socket_address store_host;
    std::int32_t reconsume_times = 0;
    std::int64_t prepared_transaction_offset = 0;
    bytes_view body;
    std::string_view topic;
    std::string_view properties;
};

// Body checksum as RocketMQ stores it: zlib CRC-32 masked to 31 bits.
std::int32_t body_crc32(bytes_view body) noexcept;

// Encoded size of a record for `msg` stored from `store_host`.
std::int64_t encoded_record_size(const message_to_store& msg, const socket_address& store_host) noexcept;

// Writes the record into `out`, which must be exactly encoded_record_size().
void encode_record(mutable_bytes out, const message_to_store& msg, const record_stamp& stamp,
                   const socket_address& store_host) noexcept;

// Writes the blank_record_size bytes that start a blank of `size` bytes (the
// rest of its segment, zeros).
void encode_blank(mutable_bytes out, std::int32_t size) noexcept;

enum class record_kind { message, blank, invalid };

// What lies at the start of `bytes`: a structurally sound record, an
// end-of-segment blank, or anything else. Checks sizes, magic and that every
// length fits; not the body CRC (see body_crc_matches).
struct record_probe {
    record_kind kind = record_kind::invalid;
    std::int32_t size = 0; // bytes to skip: the record or the rest of the segment
};
record_probe probe_record(bytes_view bytes) noexcept;

// Decodes a record that probe_record() called a message.
std::optional<decoded_record> decode_record(bytes_view bytes) noexcept;

inline bool body_crc_matches(const decoded_record& r) noexcept { return body_crc32(r.body) == r.body_crc; }

} // namespace gantry::store
