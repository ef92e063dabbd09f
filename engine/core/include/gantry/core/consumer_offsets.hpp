#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

namespace gantry::core {

// What a reset needs from the store, kept to three questions so the offset
// table does not depend on the store (and tests can answer them).
class offset_oracle {
public:
    virtual ~offset_oracle() = default;
    virtual std::int64_t min_offset(std::string_view topic, std::int32_t queue_id) const = 0;
    // The offset the next message will get.
    virtual std::int64_t max_offset(std::string_view topic, std::int32_t queue_id) const = 0;
    // The first offset stored at or after `timestamp_ms`; max_offset when none is.
    virtual std::int64_t offset_for_timestamp(std::string_view topic, std::int32_t queue_id,
                                              std::int64_t timestamp_ms) const = 0;
};

struct reset_point {
    enum class kind { earliest, latest, timestamp };
    kind where = kind::latest;
    std::int64_t timestamp_ms = 0; // for kind::timestamp

    static reset_point earliest() noexcept { return {kind::earliest, 0}; }
    static reset_point latest() noexcept { return {kind::latest, 0}; }
    static reset_point at(std::int64_t ms) noexcept { return {kind::timestamp, ms}; }
};

// queue id → next offset to consume.
using queue_offsets = std::map<std::int32_t, std::int64_t>;

// Committed offsets per (group, topic, queue), RocketMQ's
// ConsumerOffsetManager: kept in memory, written to
// config/consumerOffset.json by persist(), which the owner runs on a timer
// and at shutdown. Thread-safe.
class consumer_offsets {
public:
    explicit consumer_offsets(const std::filesystem::path& root_dir);
    consumer_offsets(const consumer_offsets&) = delete;
    consumer_offsets& operator=(const consumer_offsets&) = delete;

    // Replaces the table with config/consumerOffset.json (or its backup).
    std::error_code load();
    // Writes the table if anything changed since the last write. A failed
    // write leaves the table dirty for the next call; the caller reports it.
    std::error_code persist();

    // Overwrites, even backwards: RocketMQ clients reset offsets by committing.
    void commit(std::string_view group, std::string_view topic, std::int32_t queue_id, std::int64_t offset);
    // nullopt: the group never committed on that queue.
    std::optional<std::int64_t> query(std::string_view group, std::string_view topic, std::int32_t queue_id) const;
    // The same as the file last written (or loaded) has it: where the group
    // resumes after a crash. nullopt: the file has no offset for the queue.
    std::optional<std::int64_t> query_durable(std::string_view group, std::string_view topic,
                                              std::int32_t queue_id) const;
    queue_offsets offsets_of(std::string_view group, std::string_view topic) const;
    // Sorted, without duplicates.
    std::vector<std::string> groups_of_topic(std::string_view topic) const;
    std::vector<std::string> topics_of_group(std::string_view group) const;
    // Every group with an offset on record, sorted, without duplicates.
    std::vector<std::string> groups() const;

    // Forgets the group on every topic (a non-durable subscription ended).
    void remove_group(std::string_view group);
    // Forgets every group's offsets on the topic (the topic was deleted).
    void remove_topic(std::string_view topic);

    // An operator's reset of one queue: a commit that is logged.
    void reset_to(std::string_view group, std::string_view topic, std::int32_t queue_id, std::int64_t offset);
    // Resets queues 0..queue_count-1 of the topic to `point`, as the store
    // answers it; returns the offsets set.
    queue_offsets reset(std::string_view group, std::string_view topic, std::int32_t queue_count, reset_point point,
                        const offset_oracle& oracle);

    const std::filesystem::path& file_path() const noexcept { return path_; }

private:
    using offset_table = std::unordered_map<std::string, queue_offsets>;
    static std::optional<std::int64_t> find(const offset_table& table, std::string_view group, std::string_view topic,
                                            std::int32_t queue_id);
    using key_part = std::string_view (*)(std::string_view key);
    // `pick` of every key whose `match` part is `value`: sorted, without duplicates.
    std::vector<std::string> keys_part(key_part match, std::string_view value, key_part pick) const;

    std::filesystem::path path_;
    mutable std::shared_mutex mutex_;
    // Keyed "topic@group" like the file; topics cannot contain '@'.
    offset_table table_;
    offset_table durable_; // the table as the file holds it
    bool dirty_ = false;
    std::mutex persist_mutex_; // saves in order, each with the newest table
};

} // namespace gantry::core
