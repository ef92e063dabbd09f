#include "gantry/core/group_config_registry.hpp"

#include <nlohmann/json.hpp>

#include "core_log.hpp"
#include "gantry/core/core_error.hpp"
#include "gantry/core/json_file.hpp"
#include "gantry/core/topic_config.hpp"
#include "json_fields.hpp"

namespace gantry::core {

namespace {

using nlohmann::json;
using json_fields::read_bool;
using json_fields::read_int;

bool decode_group(const std::string& key, const json& entry, engine::group_config& out) {
    if (!entry.is_object()) return false;
    out.group_name = key;
    if (const auto name = entry.find("groupName"); name != entry.end()) {
        if (!name->is_string()) return false;
        out.group_name = name->get<std::string>();
    }
    return !out.group_name.empty() && read_bool(entry, "consumeEnable", out.consume_enable) &&
           read_bool(entry, "consumeFromMinEnable", out.consume_from_min_enable) &&
           read_bool(entry, "consumeBroadcastEnable", out.consume_broadcast_enable) &&
           read_int(entry, "retryQueueNums", out.retry_queue_nums) &&
           read_int(entry, "retryMaxTimes", out.retry_max_times) && read_int(entry, "brokerId", out.broker_id) &&
           read_int(entry, "whichBrokerWhenConsumeSlowly", out.which_broker_when_consume_slowly) &&
           read_bool(entry, "notifyConsumerIdsChangedEnable", out.notify_consumer_ids_changed_enable);
}

// The file keeps what RocketMQ 4.9.x's SubscriptionGroupManager writes.
json encode_group(const engine::group_config& c) {
    return {{"groupName", c.group_name},
            {"consumeEnable", c.consume_enable},
            {"consumeFromMinEnable", c.consume_from_min_enable},
            {"consumeBroadcastEnable", c.consume_broadcast_enable},
            {"retryQueueNums", c.retry_queue_nums},
            {"retryMaxTimes", c.retry_max_times},
            {"brokerId", c.broker_id},
            {"whichBrokerWhenConsumeSlowly", c.which_broker_when_consume_slowly},
            {"notifyConsumerIdsChangedEnable", c.notify_consumer_ids_changed_enable}};
}

} // namespace

std::error_code validate_group_name(std::string_view name) noexcept {
    if (name.size() > max_group_name_length || validate_topic_name(name)) return core_errc::invalid_group_name;
    return {};
}

std::error_code validate_group_config(const engine::group_config& config) noexcept {
    if (const auto ec = validate_group_name(config.group_name)) return ec;
    if (config.retry_queue_nums < 0 || config.retry_queue_nums > max_queue_nums || config.retry_max_times < 0 ||
        config.broker_id < 0 || config.which_broker_when_consume_slowly < 0)
        return core_errc::invalid_group_config;
    return {};
}

group_config_registry::group_config_registry(const std::filesystem::path& root_dir,
                                             std::int32_t default_retry_max_times)
    : path_(root_dir / "config" / "subscriptionGroup.json"), default_retry_max_times_(default_retry_max_times) {}

std::error_code group_config_registry::load() {
    std::map<std::string, engine::group_config, std::less<>> loaded;
    auto version = data_version::fresh();
    const auto found = json_file(path_).load([&](const json& document) -> std::error_code {
        if (!document.is_object()) return core_errc::metadata_corrupt;
        std::map<std::string, engine::group_config, std::less<>> candidate;
        if (const auto table = document.find("subscriptionGroupTable"); table != document.end()) {
            if (!table->is_object()) return core_errc::metadata_corrupt;
            for (const auto& [key, entry] : table->items()) {
                engine::group_config config;
                if (!decode_group(key, entry, config)) return core_errc::metadata_corrupt;
                candidate[config.group_name] = std::move(config);
            }
        }
        data_version candidate_version;
        if (!json_fields::read_data_version(document, candidate_version)) return core_errc::metadata_corrupt;
        loaded = std::move(candidate);
        version = candidate_version;
        return {};
    });
    if (!found) return found.error();
    std::size_t count = 0;
    {
        std::unique_lock lock(mutex_);
        groups_ = std::move(loaded);
        version_ = version;
        count = groups_.size();
    }
    if (*found) core_log()->info("loaded the settings of {} consumer group(s) from {}", count, path_.string());
    return {};
}

std::error_code group_config_registry::put_group_config(const engine::group_config& config) {
    if (const auto ec = validate_group_config(config)) return ec;
    {
        std::unique_lock lock(mutex_);
        auto [it, inserted] = groups_.try_emplace(config.group_name, config);
        if (!inserted) {
            if (it->second == config) return {};
            it->second = config;
        }
        version_.advance();
    }
    core_log()->info("consumer group {} settings stored: consumeEnable {}, consumeBroadcastEnable {}, retryQueueNums "
                     "{}, retryMaxTimes {}, notifyConsumerIdsChangedEnable {}",
                     config.group_name, config.consume_enable, config.consume_broadcast_enable,
                     config.retry_queue_nums, config.retry_max_times, config.notify_consumer_ids_changed_enable);
    return persist();
}

std::optional<engine::group_config> group_config_registry::find_group_config(const std::string& group) const {
    std::shared_lock lock(mutex_);
    const auto it = groups_.find(group);
    if (it == groups_.end()) return std::nullopt;
    return it->second;
}

engine::group_config group_config_registry::effective_group_config(const std::string& group) const {
    if (auto stored = find_group_config(group)) return std::move(*stored);
    engine::group_config defaults;
    defaults.group_name = group;
    defaults.retry_max_times = default_retry_max_times_;
    return defaults;
}

engine::group_config_table group_config_registry::list_group_configs() const {
    std::shared_lock lock(mutex_);
    engine::group_config_table table;
    table.groups.reserve(groups_.size());
    for (const auto& [name, config] : groups_) table.groups.push_back(config);
    table.version_counter = version_.counter;
    table.version_timestamp_ms = version_.timestamp;
    return table;
}

result<bool> group_config_registry::remove_group_config(const std::string& group) {
    {
        std::unique_lock lock(mutex_);
        if (groups_.erase(group) == 0) return false;
        version_.advance();
    }
    core_log()->info("consumer group {} settings removed; the group gets the defaults again", group);
    if (const auto ec = persist()) return ec;
    return true;
}

data_version group_config_registry::version() const {
    std::shared_lock lock(mutex_);
    return version_;
}

std::error_code group_config_registry::persist() {
    std::lock_guard persist_lock(persist_mutex_);
    json document;
    {
        std::shared_lock lock(mutex_);
        document = json_fields::table_document("subscriptionGroupTable", groups_, encode_group, version_);
    }
    return json_file(path_).save(document, "the consumer group settings");
}

} // namespace gantry::core
