#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "gantry/protocols/remoting/client/client_runtime.hpp"
#include "gantry/protocols/remoting/client/message.hpp"

namespace gantry::protocols::remoting::client {

enum class message_model {
    clustering,   // the group's consumers share the queues; offsets kept by the brokers
    broadcasting, // every consumer reads every queue; offsets kept in a local file
};

// Where a group without a committed offset starts (Java's ConsumeFromWhere).
enum class consume_from { last_offset, first_offset, timestamp };

enum class consume_status { success, retry_later };
enum class orderly_status { success, suspend_current_queue };

struct push_consumer_options {
    std::string group = "DEFAULT_CONSUMER";
    message_model model = message_model::clustering;
    consume_from start = consume_from::last_offset;
    // For consume_from::timestamp (ms since the epoch); 0: half an hour ago, as Java.
    std::int64_t start_timestamp_ms = 0;
    // Redeliveries of a failed message before it goes to %DLQ%<group>. -1:
    // none is named, so the broker applies the group's retryMaxTimes (an
    // orderly consumer then retries without end, as Java's).
    std::int32_t max_reconsume_times = 16;
    std::int32_t pull_batch_size = 32;
    // Messages per listener call (Java's consumeMessageBatchMaxSize).
    std::size_t consume_batch_size = 1;
    std::size_t consume_threads = 4;
    // A queue holding more unconsumed messages is not pulled (flow control).
    std::size_t max_cached_messages_per_queue = 1000;
    std::chrono::milliseconds long_poll{15000};
    std::chrono::milliseconds rebalance_interval{20000};
    std::chrono::milliseconds heartbeat_interval{30000};
    std::chrono::milliseconds persist_interval{5000};
    // Orderly mode: lock renewal, and the pause before a suspended queue's batch is consumed again.
    std::chrono::milliseconds lock_interval{20000};
    std::chrono::milliseconds suspend_pause{1000};
    // How long shutdown() waits for listeners still running.
    std::chrono::milliseconds await_termination{15000};
    // Broadcasting offsets; empty: ~/.rocketmq_offsets/<client id>/<group>/offsets.json, as Java.
    std::string offset_file;
};

// Java's DefaultMQPushConsumer: heartbeats the brokers of its topics,
// shares their queues with the group's other consumers (average
// allocation, rebalanced every 20 s and when the broker says the group
// changed), long-polls each of its queues and hands the messages to a
// listener on a pool of consume threads. Listeners may block; they never
// run on the runtime's thread. Failed messages go back to the broker
// (%RETRY%<group>, then %DLQ%<group>) in clustering mode. Offsets are
// committed as the lowest unconsumed offset of each queue, so delivery is
// at least once.
//
// subscribe() and the listener are set before start(); start(),
// shutdown() and assigned_queues() block and must not be called from a
// client callback or a listener. Shut the consumer down before its
// runtime stops.
class push_consumer {
public:
    using concurrent_listener = std::function<consume_status(const std::vector<received_message>&)>;
    // Called with one batch at a time per queue, in queue order.
    using orderly_listener = std::function<orderly_status(const std::vector<received_message>&)>;

    push_consumer(client_runtime& runtime, push_consumer_options options);
    ~push_consumer(); // shuts down
    push_consumer(const push_consumer&) = delete;
    push_consumer& operator=(const push_consumer&) = delete;

    // `expression`: "*" or tags joined by "||"; SQL92 text when `type` is "SQL92".
    void subscribe(std::string topic, std::string expression = "*", std::string type = "TAG");
    void listen(concurrent_listener listener);
    void listen_orderly(orderly_listener listener);

    // Heartbeats, rebalances once and starts pulling; fails when there is no
    // listener or subscription, or a subscribed topic has no route.
    std::error_code start();
    // Stops pulling, waits for running listeners (at most await_termination),
    // commits offsets, unlocks queues (orderly) and leaves the group. Idempotent.
    void shutdown();

    // The queues this consumer holds now (the retry topic's included).
    std::vector<message_queue> assigned_queues() const;

private:
    class core;

    client_runtime& runtime_;
    std::shared_ptr<core> core_;
    bool started_ = false;
    bool stopped_ = false;
};

} // namespace gantry::protocols::remoting::client
