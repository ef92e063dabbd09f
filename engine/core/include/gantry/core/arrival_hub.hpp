#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gantry/engine/asio.hpp"
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

    // `home`: the executor the watcher posts its work to.
    token watch(std::string_view topic, std::int32_t queue_id, asio::any_io_executor home, watcher w);
    void unwatch(token t);

    // Called by the store's dispatcher for every record it queues.
    void notify(std::string_view topic, std::int32_t queue_id, std::int64_t max_offset);

    // The home every watcher of queues 0 .. queue_count - 1 of `topic`
    // shares; nothing when none watches them or their homes differ.
    std::optional<asio::any_io_executor> sole_home(std::string_view topic, std::int32_t queue_count) const;

private:
    struct entry {
        token id;
        std::shared_ptr<watcher> fn;
        asio::any_io_executor home;
    };

    mutable std::mutex mutex_;
    std::atomic<std::size_t> count_{0};
    std::size_t rotation_ = 0; // guarded by mutex_
    store::topic_queue_map<std::vector<entry>> watchers_;
    std::unordered_map<token, store::topic_queue_key> keys_;
    token next_ = 1;
};

} // namespace gantry::core
