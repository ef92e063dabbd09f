#pragma once

#include <memory>
#include <shared_mutex>
#include <vector>

#include "gantry/store/consume_queue.hpp"
#include "gantry/store/store_config.hpp"
#include "gantry/store/topic_queue_map.hpp"

namespace gantry::store {

// Every consume queue, under consumequeue/<topic>/<queue id>/.
class consume_queue_store {
public:
    // With a warmer, each queue's next pages are faulted in ahead of its
    // entries (consumeQueueWarmAheadBytes).
    explicit consume_queue_store(const store_config& config, page_warmer* warmer = nullptr);

    std::error_code load();
    void recover(std::int64_t commit_log_min, std::int64_t commit_log_max);

    std::shared_ptr<consume_queue> find(std::string_view topic, std::int32_t queue_id) const;
    result<std::shared_ptr<consume_queue>> find_or_create(std::string_view topic, std::int32_t queue_id);
    std::vector<std::shared_ptr<consume_queue>> all() const;
    std::vector<std::shared_ptr<consume_queue>> of_topic(std::string_view topic) const;

    // Next queue offset of every queue, to seed the commit log after recovery.
    topic_queue_map<std::int64_t> max_offsets() const;

    std::error_code flush(int least_pages);
    void remove_expired(std::int64_t commit_log_min);
    void remove_all();
    // Forgets every queue of `topic` and deletes its directory; returns how
    // many queues it had. Readers holding a queue keep its mapped files.
    std::size_t remove_topic(std::string_view topic);

private:
    warm_ahead warming() const;

    const store_config& config_;
    page_warmer* warmer_;
    mutable std::shared_mutex mutex_;
    topic_queue_map<std::shared_ptr<consume_queue>> queues_;
};

} // namespace gantry::store
