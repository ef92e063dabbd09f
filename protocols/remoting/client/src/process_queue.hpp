#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/protocols/remoting/client/client_runtime.hpp"
#include "gantry/protocols/remoting/client/message.hpp"
#include "heartbeat_body.hpp"

namespace gantry::protocols::remoting::client {

// A consumer group's failed messages come back through its %RETRY%<group> topic.
inline constexpr std::string_view retry_topic_prefix = "%RETRY%";

// What a queue's pull loop needs to know of its consumer (copied: a queue
// may outlive its consumer while a long poll is out).
struct pull_settings {
    std::string group;
    subscription sub;
    std::int32_t batch_size = 32;
    std::chrono::milliseconds long_poll{15000};
    std::size_t max_cached = 1000;
    bool commit_with_pull = true; // clustering: the pull carries the offset to commit
    bool needs_lock = false;      // orderly: pull only while the broker's lock is held
};

// One queue a push consumer holds: its long-polling pull loop, the messages
// pulled but not yet consumed (by offset), and the offset to commit — the
// lowest unconsumed one, or the next to pull when none is left. Lives on the
// runtime's executor; the pull loop ends once the queue is dropped.
class process_queue : public std::enable_shared_from_this<process_queue> {
public:
    // New messages were cached (called on the runtime's thread).
    using found_handler = std::function<void(const std::shared_ptr<process_queue>&)>;

    process_queue(client_runtime& runtime, message_queue queue, pull_settings settings, std::int64_t next_offset,
                  found_handler found);

    const message_queue& queue() const noexcept { return queue_; }
    void start_pulling() { pull(); }
    // Stops pulling; results of a pull still out are ignored.
    void drop();
    bool dropped() const noexcept { return dropped_; }

    std::int64_t commit_offset() const;
    std::size_t cached() const noexcept { return cache_.size(); }
    // Cached messages not handed out yet, in offset order; at most `max`.
    std::vector<received_message> take(std::size_t max);
    // Consumed (or sent back): they leave the cache.
    void remove(const std::vector<received_message>& messages);
    // Handed out but not consumed: they may be taken again.
    void give_back(const std::vector<received_message>& messages);

    // Orderly mode: whether the broker's lock is held (renewed in time).
    bool locked() const;
    void set_locked(bool locked);
    // Orderly mode: a batch of this queue is with a listener.
    bool consuming = false;

private:
    struct entry {
        received_message message;
        bool taken = false;
    };

    void pull();
    void pull_later(std::chrono::milliseconds delay);
    void on_pulled(result<remoting_command> response);

    client_runtime& runtime_;
    const message_queue queue_;
    const pull_settings settings_;
    found_handler found_;
    std::map<std::int64_t, entry> cache_;
    std::int64_t next_offset_;
    bool dropped_ = false;
    bool lock_held_ = false;
    std::chrono::steady_clock::time_point locked_at_;
    std::unique_ptr<asio::steady_timer> timer_;
};

} // namespace gantry::protocols::remoting::client
