#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gantry/store/topic_queue_map.hpp"

namespace gantry::core {

// Fans the store's "a record is readable in (topic, queue)" out to whoever
// waits there: long-polling reads and subscriptions. Watchers run on the
// dispatching thread, often inside an append of another session, so they
// only post work to their own executors.
class arrival_hub {
public:
    using watcher = std::function<void(std::int64_t max_offset)>;
    using token = std::uint64_t;

    token watch(std::string_view topic, std::int32_t queue_id, watcher w);
    void unwatch(token t);

    // Called by the store's dispatcher for every record it queues.
    void notify(std::string_view topic, std::int32_t queue_id, std::int64_t max_offset);

private:
    struct entry {
        token id;
        std::shared_ptr<watcher> fn;
    };

    std::mutex mutex_;
    std::atomic<std::size_t> count_{0};
    std::size_t rotation_ = 0; // guarded by mutex_
    store::topic_queue_map<std::vector<entry>> watchers_;
    std::unordered_map<token, store::topic_queue_key> keys_;
    token next_ = 1;
};

} // namespace gantry::core
