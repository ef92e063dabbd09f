#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace gantry::protocols::remoting {

// A RocketMQ MessageQueue: the key of an orderly consumer's lock.
struct message_queue {
    std::string topic;
    std::string broker_name;
    std::int32_t queue_id = 0;

    friend auto operator<=>(const message_queue&, const message_queue&) = default;
};

// The queue locks of orderly consumers (LOCK_BATCH_MQ / UNLOCK_BATCH_MQ,
// spec 2.4.8), per group and queue: the client id holding it and when it
// last locked it. As Java's RebalanceLockManager: a lock younger than the
// expiry (60 s; clients renew every 20 s) belongs to its holder, the holder
// renews it by locking again, anyone takes over an expired one, and only the
// holder's unlock releases it.
//
// Shared by every session of a module, on several io threads: one mutex
// guards the table.
class queue_lock_table {
public:
    using clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds default_expiry{60'000};

    explicit queue_lock_table(std::chrono::milliseconds expiry = default_expiry);
    queue_lock_table(const queue_lock_table&) = delete;
    queue_lock_table& operator=(const queue_lock_table&) = delete;

    // Locks or renews each of `queues` for `client_id` in `group`; returns
    // the ones the client now holds, in request order, without duplicates.
    std::vector<message_queue> lock(const std::string& group, const std::string& client_id,
                                    const std::vector<message_queue>& queues, clock::time_point now = clock::now());
    // Releases those of `queues` that `client_id` holds in `group`.
    void unlock(const std::string& group, const std::string& client_id, const std::vector<message_queue>& queues);

private:
    struct holder {
        std::string client_id;
        clock::time_point last_lock;
    };

    const std::chrono::milliseconds expiry_;
    std::mutex mutex_;
    std::map<std::string, std::map<message_queue, holder>> groups_; // mutex_
};

} // namespace gantry::protocols::remoting
