#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "consume_service.hpp"
#include "heartbeat_body.hpp"
#include "offset_store.hpp"
#include "process_queue.hpp"

namespace gantry::protocols::remoting::client {

// The push consumer's state and its periodic work: heartbeats, rebalancing
// (which queues this client holds), the pull loops of those queues,
// offsets, and in orderly mode the brokers' queue locks. Lives on the
// runtime's executor: every member function is called there (no locks);
// only the consume service reaches other threads.
class consumer_core : public std::enable_shared_from_this<consumer_core> {
public:
    using done_handler = std::function<void()>;

    consumer_core(client_runtime& runtime, push_consumer_options options, std::vector<subscription> subscriptions,
                  consume_service::listeners listeners);

    // Routes, a first heartbeat and rebalance, then the timers.
    void start(std::function<void(std::error_code)> done);
    // Stops pulling and consuming, commits offsets, unlocks, unregisters.
    void shutdown(done_handler done);
    // After shutdown: joins the consume threads (off the runtime's thread).
    void join() { consume_->join(); }

    void rebalance(done_handler done = {});
    std::vector<message_queue> assigned() const;
    // A broker's RESET_CONSUMER_CLIENT_OFFSET (offset_reset.cpp): the held
    // queues of `topic` that `offsets` names continue from there.
    void reset_offsets(const std::string& topic, const std::map<message_queue, std::int64_t>& offsets);

private:
    using queue_table = std::map<message_queue, std::shared_ptr<process_queue>>;

    void every(asio::steady_timer& timer, std::chrono::milliseconds interval, void (consumer_core::*work)());
    void heartbeat_now() { heartbeat({}); }
    void rebalance_now() { rebalance({}); }
    void persist_now() { persist({}); }
    void lock_now() { lock_held_queues(); }

    // The masters of every subscribed topic's route.
    void brokers(std::function<void(std::set<std::string>)> done);
    void heartbeat(done_handler done);
    void rebalance_topic(const subscription& sub, done_handler done);
    void assign(const std::string& topic, const std::vector<message_queue>& mine, done_handler done);
    void add_queues(std::vector<message_queue> queues, done_handler done);
    void add_queue(const message_queue& queue, done_handler done);
    void start_offset(const message_queue& queue, std::function<void(result<std::int64_t>)> done);
    void create_queue(const message_queue& queue, std::int64_t offset);
    void drop_queue(queue_table::iterator it);
    void persist(done_handler done);

    // Orderly mode: LOCK_BATCH_MQ / UNLOCK_BATCH_MQ, one request per broker.
    void lock(const std::vector<message_queue>& queues, std::function<void(std::set<message_queue>)> done);
    void unlock(const std::vector<message_queue>& queues, done_handler done);
    void lock_held_queues();
    void unregister(done_handler done);

    client_runtime& runtime_;
    const push_consumer_options options_;
    const std::vector<subscription> subscriptions_;
    const consume_service::listeners listeners_;
    std::shared_ptr<offset_store> offsets_;
    std::shared_ptr<consume_service> consume_;
    queue_table queues_;
    bool rebalancing_ = false;
    std::vector<done_handler> rebalance_waiting_; // a rebalance asked for while one runs
    bool rebalance_again_ = false;
    bool stopping_ = false;
    asio::steady_timer heartbeat_timer_;
    asio::steady_timer rebalance_timer_;
    asio::steady_timer persist_timer_;
    asio::steady_timer lock_timer_;
};

} // namespace gantry::protocols::remoting::client
