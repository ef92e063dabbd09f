#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gantry/store/socket_address.hpp"

namespace gantry::store {

enum class flush_disk_type { async_flush, sync_flush };

// RocketMQ's messageDelayLevel default: 1s 5s 10s 30s 1m 2m ... 1h 2h.
std::vector<std::chrono::milliseconds> default_delay_levels();

// Settings of the message store. The broker fills it from gantry.toml, whose
// keys keep RocketMQ's broker.conf names (given beside each field).
struct store_config {
    std::filesystem::path root_dir = "data";                     // storePathRootDir
    std::int64_t commit_log_file_size = 1024LL * 1024 * 1024;    // mappedFileSizeCommitLog
    std::int64_t consume_queue_file_size = 300'000LL * 20;       // mappedFileSizeConsumeQueue
    flush_disk_type flush_type = flush_disk_type::async_flush;   // flushDiskType
    std::chrono::milliseconds flush_interval{500};               // flushIntervalCommitLog
    int flush_least_pages = 4;                                   // flushCommitLogLeastPages
    std::chrono::milliseconds flush_thorough_interval{10'000};   // flushCommitLogThoroughInterval
    std::chrono::milliseconds sync_flush_timeout{5'000};         // syncFlushTimeout
    std::chrono::milliseconds flush_consume_queue_interval{1'000}; // flushIntervalConsumeQueue
    // Far apart: an index put dirties a random hash-slot page, so each flush
    // writes back thousands of pages and each later put write-faults one
    // (recovery re-indexes what lies past the last flush).
    std::chrono::milliseconds flush_index_interval{10'000};      // flushIntervalIndex
    // Bytes of written-back commit log kept in the page cache behind the
    // flushed offset; older pages are dropped (0: the kernel decides).
    std::int64_t commit_log_page_cache_bytes = 0;                // commitLogPageCacheBytes
    std::int64_t commit_log_warm_ahead_bytes = 1024 * 1024;      // commitLogWarmAheadBytes
    std::int64_t consume_queue_warm_ahead_bytes = 16 * 1024;     // consumeQueueWarmAheadBytes
    std::int32_t max_message_size = 4 * 1024 * 1024;             // maxMessageSize
    bool check_crc_on_recover = true;                            // checkCRCOnRecover
    bool message_index_enable = true;                            // messageIndexEnable
    std::int32_t max_hash_slot_num = 5'000'000;                  // maxHashSlotNum
    std::int32_t max_index_num = 20'000'000;                     // maxIndexNum
    std::chrono::hours file_reserved_time{72};                   // fileReservedTime
    std::vector<int> delete_when_hours = {4};                    // deleteWhen ("04", "04;16")
    int disk_max_used_space_ratio = 75;                          // diskMaxUsedSpaceRatio (%)
    int disk_space_clean_forcibly_ratio = 85;                    // diskSpaceCleanForciblyRatio (%)
    int disk_space_warning_level_ratio = 90;                     // diskSpaceWarningLevelRatio (%)
    std::chrono::milliseconds clean_resource_interval{10'000};   // cleanResourceInterval
    // messageDelayLevel: level n (1-based) waits delay_levels[n-1].
    std::vector<std::chrono::milliseconds> delay_levels = default_delay_levels();
    socket_address store_host = socket_address::ipv4(127, 0, 0, 1, 10911); // brokerIP1 + listenPort

    std::filesystem::path commit_log_dir() const { return root_dir / "commitlog"; }
    std::filesystem::path consume_queue_dir() const { return root_dir / "consumequeue"; }
    std::filesystem::path index_dir() const { return root_dir / "index"; }
    std::filesystem::path checkpoint_path() const { return root_dir / "checkpoint"; }
    std::filesystem::path abort_path() const { return root_dir / "abort"; }
    std::filesystem::path lock_path() const { return root_dir / "lock"; }
};

} // namespace gantry::store
