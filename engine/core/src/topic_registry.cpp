#include "gantry/core/topic_registry.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core_log.hpp"
#include "gantry/core/json_file.hpp"
#include "json_fields.hpp"

namespace gantry::core {

namespace {

using nlohmann::json;
using json_fields::read_int;

bool decode_topic(const std::string& key, const json& entry, topic_config& out) {
    if (!entry.is_object()) return false;
    out.topic_name = key;
    if (const auto name = entry.find("topicName"); name != entry.end()) {
        if (!name->is_string()) return false;
        out.topic_name = name->get<std::string>();
    }
    return !out.topic_name.empty() && json_fields::read_bool(entry, "order", out.order) &&
           read_int(entry, "readQueueNums", out.read_queue_nums) &&
           read_int(entry, "writeQueueNums", out.write_queue_nums) && read_int(entry, "perm", out.perm) &&
           read_int(entry, "topicSysFlag", out.topic_sys_flag);
}

std::error_code decode(const json& document, std::map<std::string, topic_config, std::less<>>& topics,
                       data_version& version) {
    if (!document.is_object()) return core_errc::metadata_corrupt;
    if (const auto table = document.find("topicConfigTable"); table != document.end()) {
        if (!table->is_object()) return core_errc::metadata_corrupt;
        for (const auto& [key, entry] : table->items()) {
            topic_config config;
            if (!decode_topic(key, entry, config)) return core_errc::metadata_corrupt;
            topics[config.topic_name] = std::move(config);
        }
    }
    if (!json_fields::read_data_version(document, version)) return core_errc::metadata_corrupt;
    return {};
}

json encode_topic(const topic_config& config) {
    return {{"topicName", config.topic_name},
            {"readQueueNums", config.read_queue_nums},
            {"writeQueueNums", config.write_queue_nums},
            {"perm", config.perm},
            {"topicFilterType", "SINGLE_TAG"},
            {"topicSysFlag", config.topic_sys_flag},
            {"order", config.order}};
}

topic_config system_topic_config(std::string_view name, std::int32_t queue_nums,
                                 std::int32_t perm = perm_read | perm_write) {
    return {std::string(name), queue_nums, queue_nums, perm, 0, false};
}

} // namespace

topic_registry::topic_registry(topic_registry_options options)
    : options_(std::move(options)), path_(options_.root_dir / "config" / "topics.json") {}

std::error_code topic_registry::load() {
    table loaded;
    data_version version;
    const auto found = json_file(path_).load([&](const json& document) {
        table candidate;
        data_version candidate_version;
        if (const auto ec = decode(document, candidate, candidate_version)) return ec;
        loaded = std::move(candidate);
        version = candidate_version;
        return std::error_code{};
    });
    if (!found) return found.error();

    bool changed = false;
    std::size_t count = 0;
    {
        std::unique_lock lock(mutex_);
        topics_ = std::move(loaded);
        version_ = version;
        changed = add_system_topics_locked();
        if (changed) version_.advance();
        count = topics_.size();
    }
    if (*found)
        core_log()->info("loaded {} topics from {}", count, path_.string());
    else
        core_log()->info("no topic table at {} yet; starting with the {} system topics", path_.string(), count);
    return changed || !*found ? persist() : std::error_code{};
}

bool topic_registry::add_system_topics_locked() {
    bool changed = false;
    const auto add = [&](topic_config config) {
        if (topics_.contains(config.topic_name)) return;
        topics_.emplace(config.topic_name, std::move(config));
        changed = true;
    };
    if (options_.auto_create_topic_enable) {
        add(system_topic_config(system_topic::auto_create_template, options_.default_topic_queue_nums,
                                perm_read | perm_write | perm_inherit));
    } else if (const auto it = topics_.find(system_topic::auto_create_template); it != topics_.end()) {
        // Clients read TBW102 in a route as "this broker creates topics".
        core_log()->info("autoCreateTopicEnable is off: removing the auto-create template topic {}", it->first);
        topics_.erase(it);
        changed = true;
    }
    add(system_topic_config(system_topic::schedule, 18)); // one queue per delay level
    add(system_topic_config(system_topic::trans_half, 1));
    add(system_topic_config(system_topic::trans_op_half, 1));
    add(system_topic_config(system_topic::trace, 1));
    add(system_topic_config(system_topic::self_test, 1));
    add(system_topic_config(system_topic::offset_moved_event, 1));
    return changed;
}

std::error_code topic_registry::create_or_update(const topic_config& config) {
    if (const auto ec = validate_topic_config(config)) return ec;
    {
        std::unique_lock lock(mutex_);
        auto [it, inserted] = topics_.try_emplace(config.topic_name, config);
        if (!inserted) {
            if (it->second == config) return {};
            it->second = config;
        }
        version_.advance();
    }
    core_log()->info("topic {} set: {} read / {} write queues, perm {}, order {}", config.topic_name,
                     config.read_queue_nums, config.write_queue_nums, config.perm, config.order);
    const auto ec = persist();
    if (listener_) listener_(config);
    return ec;
}

std::optional<topic_config> topic_registry::find(std::string_view name) const {
    std::shared_lock lock(mutex_);
    const auto it = topics_.find(name);
    if (it == topics_.end()) return std::nullopt;
    return it->second;
}

result<topic_config> topic_registry::find_or_auto_create(std::string_view name, std::int32_t queue_nums,
                                                         std::int32_t topic_sys_flag) {
    if (const auto ec = validate_topic_name(name)) return ec;
    if (auto existing = find(name)) return std::move(*existing);
    if (is_retry_topic(name)) return retry_topic_for(name.substr(retry_topic_prefix.size()));
    if (is_dlq_topic(name)) return dlq_topic_for(name.substr(dlq_topic_prefix.size()));
    if (is_system_topic(name)) return core_errc::reserved_topic_name;
    if (!options_.auto_create_topic_enable) return core_errc::topic_not_exist;

    // Send-time creation follows the template, so an operator can turn it
    // off by taking INHERIT away from TBW102 in topics.json.
    const auto template_topic = find(system_topic::auto_create_template);
    if (!template_topic || !template_topic->inheritable()) return core_errc::topic_not_exist;
    const auto wanted = queue_nums > 0 ? queue_nums : client_default_topic_queue_nums;
    const auto queues = std::min(wanted, template_topic->write_queue_nums);
    return insert_if_missing(
        {std::string(name), queues, queues, template_topic->perm & ~perm_inherit, topic_sys_flag, false});
}

result<topic_config> topic_registry::retry_topic_for(std::string_view group, std::int32_t queue_nums) {
    auto name = retry_topic_name(group);
    if (const auto ec = validate_topic_name(name)) return ec;
    if (queue_nums < 1 || queue_nums > max_queue_nums) return core_errc::invalid_topic_config;
    return insert_if_missing({std::move(name), queue_nums, queue_nums, perm_read | perm_write, 0, false});
}

result<topic_config> topic_registry::dlq_topic_for(std::string_view group) {
    auto name = dlq_topic_name(group);
    if (const auto ec = validate_topic_name(name)) return ec;
    return insert_if_missing({std::move(name), 1, 1, perm_read | perm_write, 0, false});
}

topic_config topic_registry::insert_if_missing(topic_config config) {
    {
        std::unique_lock lock(mutex_);
        const auto [it, inserted] = topics_.try_emplace(config.topic_name, config);
        if (!inserted) return it->second;
        version_.advance();
    }
    core_log()->info("created topic {} with {} queues, perm {}", config.topic_name, config.write_queue_nums,
                     config.perm);
    // The topic is usable at once; a failed save is logged and repaired by
    // the next one, which writes the whole table.
    persist();
    if (listener_) listener_(config);
    return config;
}

std::error_code topic_registry::remove(std::string_view name) {
    if (is_system_topic(name)) return core_errc::reserved_topic_name;
    {
        std::unique_lock lock(mutex_);
        const auto it = topics_.find(name);
        if (it == topics_.end()) return core_errc::topic_not_exist;
        topics_.erase(it);
        version_.advance();
    }
    core_log()->debug("topic {} deleted", name);
    return persist();
}

std::vector<topic_config> topic_registry::list() const {
    std::shared_lock lock(mutex_);
    std::vector<topic_config> out;
    out.reserve(topics_.size());
    for (const auto& [name, config] : topics_) out.push_back(config);
    return out;
}

data_version topic_registry::version() const {
    std::shared_lock lock(mutex_);
    return version_;
}

std::error_code topic_registry::persist() {
    std::lock_guard persist_lock(persist_mutex_);
    json document;
    {
        std::shared_lock lock(mutex_);
        document = json_fields::table_document("topicConfigTable", topics_, encode_topic, version_);
    }
    return json_file(path_).save(document, "the topic table");
}

} // namespace gantry::core
