#include <arpa/inet.h>

#include <charconv>

#include "gantry/broker/broker_registry.hpp"
#include "gantry/broker/key_builders.hpp"
#include "gantry/store/consume_queue.hpp"

namespace gantry::broker {

namespace {

using store::flush_disk_type;

constexpr std::int64_t int32_max = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t consume_queue_entry_size = store::consume_queue::entry_size;

// deleteWhen: RocketMQ's "04" or "04;16", hours of the day.
config_problem parse_hours(const std::string& text, std::vector<int>& hours) {
    auto refuse = [&] {
        return fmt::format("must be hours of the day separated by ';' (such as \"04\" or \"04;16\"), got '{}'", text);
    };
    std::string_view rest = text;
    while (true) {
        const auto item = rest.substr(0, rest.find(';'));
        int hour = -1;
        const auto [stop, error] = std::from_chars(item.data(), item.data() + item.size(), hour);
        if (item.empty() || item.size() > 2 || error != std::errc{} || stop != item.data() + item.size() || hour < 0 ||
            hour > 23) {
            return refuse();
        }
        hours.push_back(hour);
        if (item.size() == rest.size()) {
            return std::nullopt;
        }
        rest.remove_prefix(item.size() + 1);
    }
}

std::string format_hours(const std::vector<int>& hours) {
    std::string text;
    for (int hour : hours) {
        text += fmt::format("{}{:02}", text.empty() ? "" : ";", hour);
    }
    return text;
}

config_problem derive_store_host(broker_config& config) {
    auto& host = config.store.store_host;
    host = store::socket_address{};
    host.port = config.listen_port;
    if (inet_pton(AF_INET, config.broker_ip1.c_str(), host.bytes.data()) == 1) {
        return std::nullopt;
    }
    if (inet_pton(AF_INET6, config.broker_ip1.c_str(), host.bytes.data()) == 1) {
        host.is_v6 = true;
        return std::nullopt;
    }
    return fmt::format("brokerIP1 must be an IPv4 or IPv6 address, got '{}'", config.broker_ip1);
}

config_problem check_message_fits_segment(broker_config& config) {
    if (config.store.max_message_size >= config.store.commit_log_file_size) {
        return fmt::format("maxMessageSize ({}) must be smaller than mappedFileSizeCommitLog ({}): a record never "
                           "spans two commit-log segments",
                           config.store.max_message_size, config.store.commit_log_file_size);
    }
    return std::nullopt;
}

} // namespace

void register_store_keys(config_registry& registry) {
    auto add = [&](config_key key) { registry.add("Store", std::move(key)); };

    add(string_key(
        "storePathRootDir", "Data directory: commit log, consume queues, index and checkpoint",
        [](auto& c) -> auto& { return c.store.root_dir; }, non_empty));
    add(integer_key(
        "mappedFileSizeCommitLog", "Size of each commit-log segment file, bytes", between(4096, int32_max),
        [](auto& c) -> auto& { return c.store.commit_log_file_size; }));
    add(integer_key(
        "mappedFileSizeConsumeQueue", "Size of each consume-queue file, bytes; a multiple of the 20-byte entry",
        int_range{consume_queue_entry_size, int32_max / consume_queue_entry_size * consume_queue_entry_size,
                  consume_queue_entry_size},
        [](auto& c) -> auto& { return c.store.consume_queue_file_size; }));
    add(choice_key(
        "flushDiskType", "ASYNC_FLUSH: a message counts as stored once in the page cache; SYNC_FLUSH: once on disk",
        {{"ASYNC_FLUSH", flush_disk_type::async_flush}, {"SYNC_FLUSH", flush_disk_type::sync_flush}},
        [](auto& c) -> auto& { return c.store.flush_type; }));
    add(integer_key(
        "flushIntervalCommitLog", "Interval between asynchronous flushes of the commit log, ms", at_least(1),
        [](auto& c) -> auto& { return c.store.flush_interval; }));
    add(integer_key(
        "flushCommitLogLeastPages", "Dirty 4 KiB pages an asynchronous flush waits for (0: flush any)", at_least(0),
        [](auto& c) -> auto& { return c.store.flush_least_pages; }));
    add(integer_key(
        "flushCommitLogThoroughInterval",
        "Interval after which the commit log is flushed however few pages are dirty, ms", at_least(1),
        [](auto& c) -> auto& { return c.store.flush_thorough_interval; }));
    add(integer_key(
        "syncFlushTimeout", "How long a SYNC_FLUSH append waits for the disk before it reports a timeout, ms",
        at_least(1), [](auto& c) -> auto& { return c.store.sync_flush_timeout; }));
    add(integer_key(
        "flushIntervalConsumeQueue", "Interval between flushes of the consume queues, ms", at_least(1),
        [](auto& c) -> auto& { return c.store.flush_consume_queue_interval; }));
    add(integer_key(
        "flushIntervalIndex",
        "Interval between flushes of the message index, ms; after a crash the records past the last flush are "
        "indexed again from the commit log",
        at_least(1), [](auto& c) -> auto& { return c.store.flush_index_interval; }));
    add(integer_key(
        "commitLogPageCacheBytes",
        "Bytes of the commit log kept in the page cache behind the flushed offset (0: no bound, the kernel "
        "decides). Older pages are dropped and their memory goes to new appends; a consumer further behind "
        "reads from disk, so keep it well above how far consumers lag (64 MiB at least)",
        between(0, std::numeric_limits<std::int64_t>::max()),
        [](auto& c) -> auto& { return c.store.commit_log_page_cache_bytes; }));
    add(integer_key(
        "commitLogWarmAheadBytes",
        "Bytes past the commit log's written end that a thread at idle priority brings into the page cache and "
        "maps ahead of the appends, so that a connection's thread neither allocates those pages nor faults on "
        "them (0: off)",
        between(0, std::int64_t{1} << 30), [](auto& c) -> auto& { return c.store.commit_log_warm_ahead_bytes; }));
    add(integer_key(
        "consumeQueueWarmAheadBytes",
        "The same for each consume queue being written (0: off)",
        between(0, std::int64_t{1} << 30), [](auto& c) -> auto& { return c.store.consume_queue_warm_ahead_bytes; }));
    add(integer_key(
        "maxMessageSize", "Largest message accepted, bytes", at_least(1),
        [](auto& c) -> auto& { return c.store.max_message_size; }));
    add(bool_key(
        "checkCRCOnRecover", "Check every record's CRC when recovering after a crash",
        [](auto& c) -> auto& { return c.store.check_crc_on_recover; }));
    add(bool_key(
        "messageIndexEnable",
        "Index messages by key and unique id, for queries (without it a look-up by key reads its topic over the "
        "asked time, at most 100,000 records)",
        [](auto& c) -> auto& { return c.store.message_index_enable; }));
    add(integer_key(
        "maxHashSlotNum", "Hash slots per index file", at_least(1),
        [](auto& c) -> auto& { return c.store.max_hash_slot_num; }));
    add(integer_key(
        "maxIndexNum", "Entries per index file", at_least(1), [](auto& c) -> auto& { return c.store.max_index_num; }));
    add(integer_key(
        "fileReservedTime", "Hours a commit-log segment is kept after its last write", between(1, 876'000),
        [](auto& c) -> auto& { return c.store.file_reserved_time; }));
    add(text_key(
        "deleteWhen", "Hours of the day when expired files are deleted, separated by ';'", "HH[;HH...]",
        [](auto& c) -> auto& { return c.store.delete_when_hours; }, parse_hours, format_hours));
    add(integer_key(
        "diskMaxUsedSpaceRatio", "Disk usage (%) above which files are deleted before fileReservedTime",
        between(10, 95), [](auto& c) -> auto& { return c.store.disk_max_used_space_ratio; }));
    add(integer_key(
        "diskSpaceCleanForciblyRatio", "Disk usage (%) above which the oldest files are deleted at once",
        between(10, 95), [](auto& c) -> auto& { return c.store.disk_space_clean_forcibly_ratio; }));
    add(integer_key(
        "diskSpaceWarningLevelRatio", "Disk usage (%) above which appends are refused until space is freed",
        between(10, 95), [](auto& c) -> auto& { return c.store.disk_space_warning_level_ratio; }));
    add(integer_key(
        "cleanResourceInterval", "Interval between retention checks, ms", at_least(1),
        [](auto& c) -> auto& { return c.store.clean_resource_interval; }));

    registry.add_finisher(derive_store_host);
    registry.add_finisher(check_message_fits_segment);
}

} // namespace gantry::broker
