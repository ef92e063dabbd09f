#include "gantry/core/arrival_hub.hpp"

#include <algorithm>

namespace gantry::core {

arrival_hub::token arrival_hub::watch(std::string_view topic, std::int32_t queue_id, asio::any_io_executor home,
                                      watcher w) {
    std::lock_guard lock(mutex_);
    const token id = next_++;
    store::topic_queue_key key{std::string(topic), queue_id};
    watchers_[key].push_back({id, std::make_shared<watcher>(std::move(w)), std::move(home)});
    keys_.emplace(id, std::move(key));
    count_.fetch_add(1, std::memory_order_relaxed);
    return id;
}

void arrival_hub::unwatch(token t) {
    std::lock_guard lock(mutex_);
    const auto key = keys_.find(t);
    if (key == keys_.end()) return;
    const auto list = watchers_.find(key->second);
    if (list != watchers_.end()) {
        std::erase_if(list->second, [t](const entry& e) { return e.id == t; });
        if (list->second.empty()) watchers_.erase(list);
    }
    keys_.erase(key);
    count_.fetch_sub(1, std::memory_order_relaxed);
}

void arrival_hub::notify(std::string_view topic, std::int32_t queue_id, std::int64_t max_offset) {
    if (count_.load(std::memory_order_relaxed) == 0) return;
    // Called for every record: reuse one buffer rather than allocate.
    thread_local std::vector<std::shared_ptr<watcher>> due;
    {
        std::lock_guard lock(mutex_);
        const auto list = watchers_.find(store::topic_queue_ref{topic, queue_id});
        if (list == watchers_.end()) return;
        // Each arrival wakes the watchers starting one further on: members of
        // a shared group on one io thread run in the order they were woken,
        // and the first would otherwise take every single arrival.
        const auto& entries = list->second;
        const auto first = rotation_++ % entries.size();
        for (std::size_t i = 0; i < entries.size(); ++i) due.push_back(entries[(first + i) % entries.size()].fn);
    }
    for (const auto& fn : due) (*fn)(max_offset);
    due.clear();
}

std::optional<asio::any_io_executor> arrival_hub::sole_home(std::string_view topic, std::int32_t queue_count) const {
    if (count_.load(std::memory_order_relaxed) == 0) return std::nullopt;
    std::optional<asio::any_io_executor> home;
    std::lock_guard lock(mutex_);
    for (std::int32_t q = 0; q < queue_count; ++q) {
        const auto list = watchers_.find(store::topic_queue_ref{topic, q});
        if (list == watchers_.end()) continue;
        for (const auto& e : list->second) {
            if (!home) home = e.home;
            else if (*home != e.home) return std::nullopt;
        }
    }
    return home;
}

} // namespace gantry::core
