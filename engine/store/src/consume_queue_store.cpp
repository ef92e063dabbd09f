#include "gantry/store/consume_queue_store.hpp"

#include <charconv>
#include <mutex>

namespace gantry::store {

namespace {

bool parse_queue_id(const std::string& s, std::int32_t& id) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    return ec == std::errc{} && end == s.data() + s.size() && id >= 0;
}

} // namespace

consume_queue_store::consume_queue_store(const store_config& config, page_warmer* warmer)
    : config_(config), warmer_(warmer) {}

warm_ahead consume_queue_store::warming() const {
    return {warmer_, config_.consume_queue_warm_ahead_bytes};
}

std::error_code consume_queue_store::load() {
    std::error_code ec;
    const auto root = config_.consume_queue_dir();
    std::filesystem::create_directories(root, ec);
    if (ec) return ec;
    topic_queue_map<std::shared_ptr<consume_queue>> loaded;
    for (const auto& topic_dir : std::filesystem::directory_iterator(root, ec)) {
        if (!topic_dir.is_directory()) continue;
        const auto topic = topic_dir.path().filename().string();
        for (const auto& queue_dir : std::filesystem::directory_iterator(topic_dir.path(), ec)) {
            std::int32_t queue_id = 0;
            if (!queue_dir.is_directory() || !parse_queue_id(queue_dir.path().filename().string(), queue_id))
                continue;
            auto cq = std::make_shared<consume_queue>(topic, queue_id, queue_dir.path(),
                                                      config_.consume_queue_file_size, warming());
            if (auto load_ec = cq->load()) return load_ec;
            loaded.emplace(topic_queue_key{topic, queue_id}, std::move(cq));
        }
        if (ec) return ec;
    }
    if (ec) return ec;
    std::unique_lock lock(mutex_);
    queues_ = std::move(loaded);
    return {};
}

void consume_queue_store::recover(std::int64_t commit_log_min, std::int64_t commit_log_max) {
    for (const auto& cq : all()) cq->recover(commit_log_min, commit_log_max);
}

std::shared_ptr<consume_queue> consume_queue_store::find(std::string_view topic, std::int32_t queue_id) const {
    std::shared_lock lock(mutex_);
    auto it = queues_.find(topic_queue_ref{topic, queue_id});
    return it == queues_.end() ? nullptr : it->second;
}

result<std::shared_ptr<consume_queue>> consume_queue_store::find_or_create(std::string_view topic,
                                                                          std::int32_t queue_id) {
    if (auto cq = find(topic, queue_id)) return cq;
    std::unique_lock lock(mutex_);
    auto it = queues_.find(topic_queue_ref{topic, queue_id});
    if (it != queues_.end()) return it->second;
    auto dir = config_.consume_queue_dir() / std::string(topic) / std::to_string(queue_id);
    auto cq = std::make_shared<consume_queue>(std::string(topic), queue_id, dir, config_.consume_queue_file_size,
                                              warming());
    if (auto ec = cq->load()) return ec;
    queues_.emplace(topic_queue_key{std::string(topic), queue_id}, cq);
    return cq;
}

std::vector<std::shared_ptr<consume_queue>> consume_queue_store::all() const {
    std::shared_lock lock(mutex_);
    std::vector<std::shared_ptr<consume_queue>> v;
    v.reserve(queues_.size());
    for (const auto& [key, cq] : queues_) v.push_back(cq);
    return v;
}

std::vector<std::shared_ptr<consume_queue>> consume_queue_store::of_topic(std::string_view topic) const {
    std::shared_lock lock(mutex_);
    std::vector<std::shared_ptr<consume_queue>> v;
    for (const auto& [key, cq] : queues_)
        if (key.topic == topic) v.push_back(cq);
    return v;
}

topic_queue_map<std::int64_t> consume_queue_store::max_offsets() const {
    topic_queue_map<std::int64_t> offsets;
    for (const auto& cq : all()) offsets.emplace(topic_queue_key{cq->topic(), cq->queue_id()}, cq->max_offset());
    return offsets;
}

std::error_code consume_queue_store::flush(int least_pages) {
    std::error_code first_error;
    for (const auto& cq : all()) {
        auto r = cq->flush(least_pages);
        if (!r && !first_error) first_error = r.error();
    }
    return first_error;
}

void consume_queue_store::remove_expired(std::int64_t commit_log_min) {
    for (const auto& cq : all()) cq->remove_expired(commit_log_min);
}

void consume_queue_store::remove_all() {
    std::unique_lock lock(mutex_);
    for (auto& [key, cq] : queues_) cq->remove_all();
    queues_.clear();
}

std::size_t consume_queue_store::remove_topic(std::string_view topic) {
    std::vector<std::shared_ptr<consume_queue>> removed;
    {
        std::unique_lock lock(mutex_);
        std::erase_if(queues_, [&](const auto& entry) {
            if (entry.first.topic != topic) return false;
            removed.push_back(entry.second);
            return true;
        });
    }
    for (const auto& cq : removed) cq->remove_all();
    // Queue directories the store never opened (none normally) go too; a
    // name that is not one directory level is never a topic's.
    if (topic.empty() || topic == "." || topic == ".." || topic.find('/') != std::string_view::npos)
        return removed.size();
    std::error_code ec;
    std::filesystem::remove_all(config_.consume_queue_dir() / std::string(topic), ec);
    return removed.size();
}

} // namespace gantry::store
