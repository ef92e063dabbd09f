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

#include "gantry/core/data_version.hpp"
#include "gantry/engine/group_config_store.hpp"

namespace gantry::core {

// The longest group name whose retry topic (%RETRY%<group>) is still a
// valid topic name.
inline constexpr std::size_t max_group_name_length = 120;

// RocketMQ's rule for group names (the topic character set), kept short
// enough that the group's retry and dead-letter topics can exist.
std::error_code validate_group_name(std::string_view name) noexcept;
// Names and ranges a stored group config must respect.
std::error_code validate_group_config(const engine::group_config& config) noexcept;

// The consumer-group settings operators store, RocketMQ's
// SubscriptionGroupManager: kept in memory and written to
// <root>/config/subscriptionGroup.json, in RocketMQ's shape
// ({"dataVersion":..,"subscriptionGroupTable":{"<group>":{..}}}), after
// every change (json_file: atomic, with a .bak). Groups without stored
// settings get the defaults, with `default_retry_max_times` (the broker's
// maxReconsumeTimes) as their retry limit. Thread-safe; reads share a lock.
class group_config_registry final : public engine::group_config_store {
public:
    group_config_registry(const std::filesystem::path& root_dir, std::int32_t default_retry_max_times);
    group_config_registry(const group_config_registry&) = delete;
    group_config_registry& operator=(const group_config_registry&) = delete;

    // Replaces the table with the file's (or its backup's); no file is an empty table.
    std::error_code load();

    std::error_code put_group_config(const engine::group_config& config) override;
    std::optional<engine::group_config> find_group_config(const std::string& group) const override;
    engine::group_config effective_group_config(const std::string& group) const override;
    engine::group_config_table list_group_configs() const override;
    result<bool> remove_group_config(const std::string& group) override;

    data_version version() const;
    const std::filesystem::path& file_path() const noexcept { return path_; }

private:
    std::error_code persist();

    const std::filesystem::path path_;
    const std::int32_t default_retry_max_times_;
    mutable std::shared_mutex mutex_;
    std::map<std::string, engine::group_config, std::less<>> groups_; // mutex_
    data_version version_;                                             // mutex_
    std::mutex persist_mutex_; // saves in order, each with the newest table
};

} // namespace gantry::core
