#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gantry/protocols/remoting/client/client_runtime.hpp"
#include "gantry/protocols/remoting/client/message.hpp"
#include "gantry/store/unique_key.hpp"

namespace gantry::protocols::remoting::client {

struct producer_options {
    std::string group = "DEFAULT_PRODUCER";
    // Further attempts on another queue (another broker when there is one)
    // after a failed send (Java's retryTimesWhenSendFailed).
    int retries = 2;
    std::chrono::milliseconds send_timeout{3000};
    // Queues of a topic created on first send through TBW102.
    std::int32_t default_topic_queue_nums = 4;
};

// Sends messages to the brokers a topic's route names (SEND_MESSAGE_V2 and
// SEND_BATCH_MESSAGE), spreading them round-robin over the writable queues.
// Functions may be called from any thread; handlers run on the runtime's
// thread. The producer and its runtime must outlive every pending send.
class producer {
public:
    using send_handler = std::function<void(result<send_result>)>;
    // Picks an index into the topic's writable queues.
    using queue_selector = std::function<std::size_t(const std::vector<message_queue>& queues)>;

    explicit producer(client_runtime& runtime, producer_options options = {});
    ~producer();

    void send_async(message m, send_handler done);
    result<send_result> send(message m);
    // Fire and forget: no response is asked for.
    void send_oneway(message m);
    // One request storing every message on one queue; all must share a topic
    // and none may be delayed.
    void send_batch_async(std::vector<message> batch, send_handler done);
    result<send_result> send_batch(std::vector<message> batch);
    // To the queue `select` picks; not retried elsewhere (that would break
    // the order the selection exists for).
    void send_to_async(message m, queue_selector select, send_handler done);
    // Ordered sends: every message with the same shard key goes to the same
    // queue while the topic's queue count stays the same.
    void send_ordered_async(message m, const std::string& shard_key, send_handler done);
    result<send_result> send_ordered(message m, const std::string& shard_key);

private:
    struct attempt;

    void submit(message m, std::shared_ptr<attempt> a);
    void start(std::shared_ptr<attempt> a);

    client_runtime& runtime_;
    const producer_options options_;
    // Runtime thread only, like every attempt.
    store::unique_key_generator unique_keys_;
    std::size_t next_queue_ = 0; // round-robin position
};

} // namespace gantry::protocols::remoting::client
