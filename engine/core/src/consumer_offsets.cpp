#include "gantry/core/consumer_offsets.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

#include "core_log.hpp"
#include "gantry/core/core_error.hpp"
#include "gantry/core/json_file.hpp"

namespace gantry::core {

namespace {

using nlohmann::json;

constexpr char separator = '@';

std::string key_of(std::string_view topic, std::string_view group) {
    std::string key;
    key.reserve(topic.size() + 1 + group.size());
    return key.append(topic).append(1, separator).append(group);
}

std::string_view topic_of(std::string_view key) { return key.substr(0, key.find(separator)); }

std::string_view group_of(std::string_view key) {
    const auto at = key.find(separator);
    return at == std::string_view::npos ? std::string_view{} : key.substr(at + 1);
}

std::error_code decode(const json& document, std::unordered_map<std::string, queue_offsets>& table) {
    if (!document.is_object()) return core_errc::metadata_corrupt;
    const auto stored = document.find("offsetTable");
    if (stored == document.end()) return {};
    if (!stored->is_object()) return core_errc::metadata_corrupt;
    for (const auto& [key, queues] : stored->items()) {
        if (key.find(separator) == std::string::npos || !queues.is_object()) return core_errc::metadata_corrupt;
        auto& offsets = table[key];
        for (const auto& [queue, offset] : queues.items()) {
            std::int32_t queue_id = 0;
            const auto [end, ec] = std::from_chars(queue.data(), queue.data() + queue.size(), queue_id);
            if (ec != std::errc{} || end != queue.data() + queue.size() || !offset.is_number_integer())
                return core_errc::metadata_corrupt;
            offsets[queue_id] = offset.get<std::int64_t>();
        }
    }
    return {};
}

std::int64_t target_offset(const offset_oracle& oracle, std::string_view topic, std::int32_t queue_id,
                           reset_point point) {
    switch (point.where) {
    case reset_point::kind::earliest: return oracle.min_offset(topic, queue_id);
    case reset_point::kind::latest: return oracle.max_offset(topic, queue_id);
    case reset_point::kind::timestamp: return oracle.offset_for_timestamp(topic, queue_id, point.timestamp_ms);
    }
    return oracle.max_offset(topic, queue_id);
}

std::string describe(reset_point point) {
    switch (point.where) {
    case reset_point::kind::earliest: return "the earliest offset";
    case reset_point::kind::latest: return "the latest offset";
    case reset_point::kind::timestamp: return "store time " + std::to_string(point.timestamp_ms) + " ms";
    }
    return "an unknown point";
}

} // namespace

consumer_offsets::consumer_offsets(const std::filesystem::path& root_dir)
    : path_(root_dir / "config" / "consumerOffset.json") {}

std::error_code consumer_offsets::load() {
    std::unordered_map<std::string, queue_offsets> loaded;
    const auto found = json_file(path_).load([&](const json& document) {
        std::unordered_map<std::string, queue_offsets> candidate;
        if (const auto ec = decode(document, candidate)) return ec;
        loaded = std::move(candidate);
        return std::error_code{};
    });
    if (!found) return found.error();
    const auto entries = loaded.size();
    {
        std::unique_lock lock(mutex_);
        table_ = std::move(loaded);
        durable_ = table_;
        dirty_ = false;
    }
    if (*found)
        core_log()->info("loaded offsets of {} group/topic pairs from {}", entries, path_.string());
    return {};
}

std::error_code consumer_offsets::persist() {
    std::lock_guard persist_lock(persist_mutex_);
    json document;
    offset_table written;
    {
        std::unique_lock lock(mutex_);
        if (!dirty_) return {};
        written = table_;
        dirty_ = false;
    }
    auto& stored = document["offsetTable"] = json::object();
    for (const auto& [key, queues] : written) {
        auto& entry = stored[key] = json::object();
        for (const auto& [queue_id, offset] : queues) entry[std::to_string(queue_id)] = offset;
    }
    const auto ec = json_file(path_).save(document);
    std::unique_lock lock(mutex_);
    if (ec) dirty_ = true;
    else durable_ = std::move(written);
    return ec;
}

void consumer_offsets::commit(std::string_view group, std::string_view topic, std::int32_t queue_id,
                              std::int64_t offset) {
    auto key = key_of(topic, group);
    std::unique_lock lock(mutex_);
    table_[std::move(key)][queue_id] = offset;
    dirty_ = true;
}

std::optional<std::int64_t> consumer_offsets::find(const offset_table& table, std::string_view group,
                                                   std::string_view topic, std::int32_t queue_id) {
    const auto entry = table.find(key_of(topic, group));
    if (entry == table.end()) return std::nullopt;
    const auto queue = entry->second.find(queue_id);
    if (queue == entry->second.end()) return std::nullopt;
    return queue->second;
}

std::optional<std::int64_t> consumer_offsets::query(std::string_view group, std::string_view topic,
                                                    std::int32_t queue_id) const {
    std::shared_lock lock(mutex_);
    return find(table_, group, topic, queue_id);
}

std::optional<std::int64_t> consumer_offsets::query_durable(std::string_view group, std::string_view topic,
                                                            std::int32_t queue_id) const {
    std::shared_lock lock(mutex_);
    return find(durable_, group, topic, queue_id);
}

queue_offsets consumer_offsets::offsets_of(std::string_view group, std::string_view topic) const {
    const auto key = key_of(topic, group);
    std::shared_lock lock(mutex_);
    const auto entry = table_.find(key);
    return entry == table_.end() ? queue_offsets{} : entry->second;
}

std::vector<std::string> consumer_offsets::keys_part(key_part match, std::string_view value, key_part pick) const {
    std::vector<std::string> found;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [key, queues] : table_)
            if (match(key) == value) found.emplace_back(pick(key));
    }
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    return found;
}

std::vector<std::string> consumer_offsets::groups_of_topic(std::string_view topic) const {
    return keys_part(topic_of, topic, group_of);
}

std::vector<std::string> consumer_offsets::topics_of_group(std::string_view group) const {
    return keys_part(group_of, group, topic_of);
}

std::vector<std::string> consumer_offsets::groups() const {
    std::vector<std::string> found;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [key, queues] : table_) found.emplace_back(group_of(key));
    }
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    return found;
}

void consumer_offsets::remove_group(std::string_view group) {
    std::unique_lock lock(mutex_);
    dirty_ |= std::erase_if(table_, [&](const auto& entry) { return group_of(entry.first) == group; }) > 0;
}

void consumer_offsets::remove_topic(std::string_view topic) {
    std::unique_lock lock(mutex_);
    dirty_ |= std::erase_if(table_, [&](const auto& entry) { return topic_of(entry.first) == topic; }) > 0;
}

void consumer_offsets::reset_to(std::string_view group, std::string_view topic, std::int32_t queue_id,
                                std::int64_t offset) {
    const auto previous = query(group, topic, queue_id);
    commit(group, topic, queue_id, offset);
    core_log()->info("consumer group {} reset on {} queue {} from {} to offset {}", group, topic, queue_id,
                     previous ? std::to_string(*previous) : std::string("no committed offset"), offset);
}

queue_offsets consumer_offsets::reset(std::string_view group, std::string_view topic, std::int32_t queue_count,
                                      reset_point point, const offset_oracle& oracle) {
    // Ask the store first: its answers may take a while and need no lock here.
    queue_offsets targets;
    for (std::int32_t queue_id = 0; queue_id < queue_count; ++queue_id)
        targets[queue_id] = target_offset(oracle, topic, queue_id, point);
    if (targets.empty()) return targets;
    {
        auto key = key_of(topic, group);
        std::unique_lock lock(mutex_);
        auto& offsets = table_[std::move(key)];
        for (const auto& [queue_id, offset] : targets) offsets[queue_id] = offset;
        dirty_ = true;
    }
    core_log()->info("consumer group {} reset on {} ({} queues) to {}", group, topic, targets.size(),
                     describe(point));
    return targets;
}

} // namespace gantry::core
