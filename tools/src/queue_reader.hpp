#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <system_error>
#include <vector>

#include "gantry/protocols/remoting/client/pull_consumer.hpp"

namespace gantry::tools {

namespace client = protocols::remoting::client;

// Reads many queues at once for `consume` and `bench consume`: one long-poll
// pull in flight per queue, results handed to the calling thread. At most
// max_backlog batches wait; past that a queue's next pull waits for the
// caller to catch up. The group's offsets follow what the caller reports
// consumed: each pull carries it (the commit-offset flag) and stop() commits
// the last.
class queue_reader {
public:
    // What one pull brought. A batch may hold no messages when the broker
    // skipped entries the filter refused: consuming it still moves the
    // queue's offset past them.
    struct batch {
        client::message_queue queue;
        std::vector<client::received_message> messages;
        std::int64_t next_offset = 0; // where the queue continues after this batch
        std::error_code error;        // the pull failed; the queue is retried after a pause
    };

    static constexpr std::size_t max_backlog = 64;

    queue_reader(client::client_runtime& runtime, client::pull_consumer& consumer, std::map<client::message_queue, std::int64_t> starts,
                 client::pull_options options, bool commit);
    ~queue_reader();

    // The next batch, or nothing after `timeout`.
    std::optional<batch> next(std::chrono::milliseconds timeout);
    // The caller is done with `queue` up to `next_offset` (exclusive): a
    // message's offset + 1, or a whole batch's next_offset.
    void consumed(const client::message_queue& queue, std::int64_t next_offset);
    // Stops pulling, waits for pulls in flight and commits what was taken.
    void stop();

private:
    struct queue_state {
        std::int64_t pull_offset = 0;  // where the next pull starts
        std::int64_t taken_offset = -1; // what the caller consumed, exclusive
        std::int64_t committed = -1;
        bool waiting_for_room = false;
    };

    void pull(const client::message_queue& queue);
    void on_pulled(const client::message_queue& queue, result<client::pull_result> pulled);

    client::client_runtime& runtime_;
    client::pull_consumer& consumer_;
    client::pull_options options_;
    bool commit_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<client::message_queue, queue_state> queues_;
    std::deque<batch> ready_;
    std::size_t in_flight_ = 0;
    bool stopping_ = false;
};

} // namespace gantry::tools
