#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "gantry/core/data_version.hpp"
#include "gantry/core/topic_config.hpp"
#include "gantry/engine/result.hpp"

namespace gantry::core {

struct topic_registry_options {
    std::filesystem::path root_dir;        // storePathRootDir; the table is config/topics.json
    bool auto_create_topic_enable = true;  // autoCreateTopicEnable: TBW102 exists and sends create topics
    std::int32_t default_topic_queue_nums = 8; // broker defaultTopicQueueNums: TBW102's size, the most a send creates
};

// The broker's topic table: every topic's queue counts and permissions,
// persisted after each change. Thread-safe; reads share a lock.
class topic_registry {
public:
    explicit topic_registry(topic_registry_options options);
    topic_registry(const topic_registry&) = delete;
    topic_registry& operator=(const topic_registry&) = delete;

    // Told of each topic added or changed after load(), once the change is
    // made, on the thread that made it. Set before load().
    using change_listener = std::function<void(const topic_config&)>;
    void set_change_listener(change_listener listener) { listener_ = std::move(listener); }

    // Reads config/topics.json (or its backup), then adds the system topics
    // it lacks (specs §5.8) and drops TBW102 when automatic creation is off.
    std::error_code load();

    // An admin's create or update: the name must be valid and not a system
    // topic. On a failed save the change stays in memory and is written with
    // the next successful one.
    std::error_code create_or_update(const topic_config& config);

    std::optional<topic_config> find(std::string_view name) const;

    // The topic a send names, created from TBW102 when it is missing and
    // automatic creation is on: min(queue_nums, TBW102's write queues)
    // queues, TBW102's perm without INHERIT. %RETRY% and %DLQ% topics are
    // created whatever the flag, as their helpers below do.
    result<topic_config> find_or_auto_create(std::string_view name,
                                             std::int32_t queue_nums = client_default_topic_queue_nums,
                                             std::int32_t topic_sys_flag = 0);

    // %RETRY%<group> (queue_nums queues, the group's retryQueueNums) and
    // %DLQ%<group> (1 queue), both perm 6, created on first use.
    result<topic_config> retry_topic_for(std::string_view group, std::int32_t queue_nums = 1);
    result<topic_config> dlq_topic_for(std::string_view group);

    // Refuses system topics. The caller also drops the topic's offsets.
    std::error_code remove(std::string_view name);

    // Sorted by name.
    std::vector<topic_config> list() const;
    data_version version() const;

    const std::filesystem::path& file_path() const noexcept { return path_; }

private:
    using table = std::map<std::string, topic_config, std::less<>>;

    // Adds `config` unless its name exists; returns the stored entry.
    topic_config insert_if_missing(topic_config config);
    bool add_system_topics_locked();
    std::error_code persist();

    topic_registry_options options_;
    std::filesystem::path path_;
    mutable std::shared_mutex mutex_;
    table topics_;
    data_version version_;
    std::mutex persist_mutex_; // saves in order, each with the newest table
    change_listener listener_;
};

} // namespace gantry::core
