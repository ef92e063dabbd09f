#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gantry/protocols/remoting/client/client_runtime.hpp"
#include "gantry/protocols/remoting/client/message.hpp"

namespace gantry::protocols::remoting::client {

enum class pull_status {
    found,               // messages came back
    no_new_messages,     // the queue holds nothing at or after the offset
    no_matched_messages, // entries were scanned, none passed the filter: pull again from next_begin_offset
    offset_illegal,      // the offset lies outside the queue: continue from next_begin_offset
};

struct pull_result {
    pull_status status = pull_status::no_new_messages;
    std::int64_t next_begin_offset = 0;
    std::int64_t min_offset = 0;
    std::int64_t max_offset = 0;
    std::vector<received_message> messages;
};

struct pull_options {
    std::string expression = "*";          // tag expression, or SQL92 when expression_type says so
    std::string expression_type = "TAG";   // "TAG" or "SQL92"
    std::int32_t max_messages = 32;
    // Long polling: how long the broker may hold a pull that finds nothing.
    std::chrono::milliseconds long_poll{0};
    // Committed for the group with the pull (the commit-offset flag), if set.
    std::optional<std::int64_t> commit_offset;
};

// Reads queues at offsets the caller chooses (Java's DefaultMQPullConsumer),
// and reads and commits the group's offsets. Functions may be called from
// any thread; handlers run on the runtime's thread.
class pull_consumer {
public:
    template <typename T>
    using handler = std::function<void(result<T>)>;

    pull_consumer(client_runtime& runtime, std::string group);

    const std::string& group() const noexcept { return group_; }

    // The topic's readable queues.
    void queues_async(std::string topic, handler<std::vector<message_queue>> done);
    result<std::vector<message_queue>> queues(std::string topic);

    void pull_async(const message_queue& queue, std::int64_t offset, const pull_options& options,
                    handler<pull_result> done);
    result<pull_result> pull(const message_queue& queue, std::int64_t offset, const pull_options& options = {});

    // The group's committed offset; -1 when it has none.
    void committed_offset_async(const message_queue& queue, handler<std::int64_t> done);
    result<std::int64_t> committed_offset(const message_queue& queue);
    // Commits `offset` (the next to consume) without waiting (one-way).
    void commit_offset(const message_queue& queue, std::int64_t offset);
    // The same, waiting for the broker to confirm.
    result<std::int64_t> commit_offset_confirmed(const message_queue& queue, std::int64_t offset);

    // The queue's first and next-to-be-written offsets.
    void min_offset_async(const message_queue& queue, handler<std::int64_t> done);
    void max_offset_async(const message_queue& queue, handler<std::int64_t> done);
    result<std::int64_t> min_offset(const message_queue& queue);
    result<std::int64_t> max_offset(const message_queue& queue);
    // The first offset stored at or after `timestamp_ms`.
    result<std::int64_t> offset_at_time(const message_queue& queue, std::int64_t timestamp_ms);

private:
    void queue_offset_async(std::int32_t code, const message_queue& queue, handler<std::int64_t> done);

    client_runtime& runtime_;
    std::string group_;
};

} // namespace gantry::protocols::remoting::client
