#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>

#include "gantry/core/arrival_hub.hpp"
#include "gantry/core/consumer_group.hpp"
#include "gantry/core/consumer_offsets.hpp"
#include "gantry/core/core_config.hpp"
#include "gantry/core/delay_scheduler.hpp"
#include "gantry/core/group_config_registry.hpp"
#include "gantry/core/message_codec.hpp"
#include "gantry/core/retained_index.hpp"
#include "gantry/core/subscription.hpp"
#include "gantry/core/topic_registry.hpp"
#include "gantry/store/unique_key.hpp"
#include "gantry/engine/facade.hpp"
#include "gantry/store/message_store.hpp"
#include "gantry/store/periodic_thread.hpp"

namespace gantry::core {

struct message_origin;

// The engine facade over the store: topics, groups, deliveries with credit,
// per-message settlement, redelivery and dead-lettering, long-polling reads.
// Construct it before the store starts (it installs the store's arrival
// listener), start it after; stop it, then shut the store down, before
// destroying it.
class core_engine final : public engine::facade, public engine::retained_store {
public:
    core_engine(store::message_store& store, core_config config);
    ~core_engine() override;

    std::error_code start();
    // Ends every subscription, persists offsets and stops the scheduler.
    void stop();
    // Answers every read held for long polling now and holds no new one, so
    // the io threads those reads wait on can stop at once (before stop()).
    void stop_holding_reads();

    void declare(const engine::operation_context& ctx, engine::declare_options options,
                 std::function<void(std::error_code)> done) override;
    void append(const engine::operation_context& ctx, engine::message msg,
                std::function<void(result<engine::append_receipt>)> done) override;
    std::string new_message_id() override;
    void append_batch(const engine::operation_context& ctx, std::vector<engine::message> msgs,
                      std::function<void(std::vector<result<engine::append_receipt>>)> done) override;
    void append_record(const engine::operation_context& ctx, engine::record_append record,
                       std::function<void(result<engine::append_receipt>)> done) override;
    std::optional<std::string> check_filter(engine::filter_language language, const std::string& text) const override;
    result<engine::subscription_id> subscribe(const engine::operation_context& ctx,
                                              engine::subscription_options options,
                                              std::shared_ptr<engine::delivery_sink> sink) override;
    void grant_credit(engine::subscription_id id, int credit) override;
    void settle(engine::subscription_id id, const engine::delivery_handle& handle, engine::outcome result) override;
    void settle_on_hand_over(engine::subscription_id id, bool on) override;
    bool extend(engine::subscription_id id, const engine::delivery_handle& handle,
                std::chrono::milliseconds more) override;
    void unsubscribe(engine::subscription_id id) override;
    void read(const engine::operation_context& ctx, engine::read_request request,
              std::function<void(result<engine::read_result>)> done) override;
    std::error_code commit_offset(const engine::operation_context& ctx, const std::string& group,
                                  const std::string& topic, std::int32_t queue_id, std::int64_t offset) override;
    std::optional<std::int64_t> committed_offset(const std::string& group, const std::string& topic,
                                                 std::int32_t queue_id) const override;
    std::optional<std::int64_t> durable_offset(const std::string& group, const std::string& topic,
                                               std::int32_t queue_id) const override;
    std::error_code reset_offsets(const engine::operation_context& ctx, const std::string& group,
                                  const std::string& topic, engine::start_position to) override;
    std::error_code delete_group(const engine::operation_context& ctx, const std::string& group) override;
    void release_group(const engine::operation_context& ctx, const std::string& group) override;
    std::vector<std::string> group_topics(const std::string& group) const override;
    std::vector<engine::group_info> list_groups() const override;
    std::error_code pin_group(const engine::subscription_options& options) override;
    // Offline backlog limits (core_engine_backlog.cpp).
    result<std::uint64_t> trim_backlog(const engine::operation_context& ctx,
                                       std::span<const engine::subscription_options> groups,
                                       std::uint64_t keep) override;
    std::optional<engine::topic_info> find_topic(const std::string& name) const override;
    std::optional<asio::any_io_executor> readers_executor(const std::string& topic) const override;
    std::vector<std::string> topic_names() const override;
    engine::topic_table list_topics() const override;
    // Topic administration (core_engine_topics.cpp).
    std::error_code delete_topic(const engine::operation_context& ctx, const std::string& topic) override;
    result<engine::queue_state> query_queue(const std::string& topic, std::int32_t queue_id) const override;
    std::int64_t offset_at_time(const std::string& topic, std::int32_t queue_id,
                                std::int64_t timestamp_ms) const override;
    std::int64_t log_end() const override;
    std::string offset_message_id(std::int64_t physical_offset) const override;
    result<engine::delivery> find_by_offset_id(const std::string& offset_message_id) override;
    std::vector<engine::delivery> find_by_key(const std::string& topic, const std::string& key,
                                              std::size_t max_results) override;
    void append_records(const engine::operation_context& ctx, std::vector<engine::record_append> records,
                        std::function<void(result<std::vector<engine::append_receipt>>)> done) override;
    std::optional<engine::stored_record> stored_record_at(std::int64_t physical_offset) const override;
    std::vector<engine::stored_record> find_stored_by_key(const std::string& topic, const std::string& key,
                                                          std::size_t max_results, std::int64_t begin_ms,
                                                          std::int64_t end_ms) const override;
    void send_back(const engine::operation_context& ctx, engine::send_back_request request,
                   std::function<void(std::error_code)> done) override;

    // Retained messages (core_engine_retained.cpp): the engine is its own retained_store.
    engine::retained_store& retained() override { return *this; }
    void retain(const engine::operation_context& ctx, engine::message msg,
                std::function<void(result<engine::append_receipt>)> done) override;
    result<engine::retained_page> find_retained(const engine::retained_query& query) override;
    std::size_t retained_count() const override { return retained_.size(); }
    retained_index& retained_messages() noexcept { return retained_; }
    // Consumer-group settings (config/subscriptionGroup.json).
    engine::group_config_store& group_configs() override { return group_configs_; }

    topic_registry& topics() noexcept { return topics_; }
    consumer_offsets& offsets() noexcept { return offsets_; }
    // Messages skipped because their expiry time had passed.
    std::uint64_t expired_count() const noexcept { return expired_.load(std::memory_order_relaxed); }

private:
    std::shared_ptr<subscription> find_subscription(engine::subscription_id id) const;
    // Ends a subscription; its sink's closed() gets `reason` ({} for an unsubscribe).
    void end_subscription(engine::subscription_id id, std::error_code reason);
    // The group `name`, made for `options` when it is not there.
    result<std::shared_ptr<consumer_group>> join_group(const std::string& name,
                                                       const engine::subscription_options& options, bool durable);
    void leave_group(consumer_group& group);
    static void append_queues(std::vector<subscription::source>& sources, const topic_config& topic);
    // Wakes `sub` when a record arrives in `src`.
    void watch(const std::shared_ptr<subscription>& sub, const subscription::source& src);
    // Subscriptions to every topic (core_engine_every_topic.cpp): which
    // topics they read, and the queues of new ones added to them.
    static bool read_by_every_topic(const topic_config& topic) noexcept;
    void widen_every_topic_subscriptions(const topic_config& topic);
    void add_topics(const std::shared_ptr<subscription>& sub, const std::vector<topic_config>& topics);
    void remove_topic(subscription& sub, const std::string& topic);
    // A durable group's start is fixed, on disk, when it first subscribes:
    // after a crash it resumes from there, not from wherever "now" is then.
    void pin_start(const std::string& group, const std::vector<subscription::source>& sources,
                   const engine::start_position& start);
    std::int64_t start_offset(const consumer_group& group, const engine::start_position& start,
                              std::string_view topic, std::int32_t queue_id) const;
    std::int64_t position_offset(const engine::start_position& at, std::string_view topic,
                                 std::int32_t queue_id) const;
    // Where a durable group that is not loaded would resume in a queue.
    std::int64_t resume_offset(const std::string& group, const engine::start_position& start,
                               std::string_view topic, std::int32_t queue_id) const;
    // Whether the record of a queue entry passes a subscription's filter.
    bool entry_matches(const record_filter& filter, const store::cq_entry& entry) const;

    // The store's form of a record-form append, after the topic, queue and
    // property checks; it points into `record` and `properties`.
    result<store::message_to_store> to_message(const engine::record_append& record, std::string& properties);
    // The unique key generator's next id, under key_mutex_.
    std::string next_message_id(std::int64_t now_ms);
    // A protocol's message in the store's form: checks, message id and born
    // time, its encoded properties (into `properties`, which the result
    // points to) and the queue one caller's messages of one tag share.
    result<store::message_to_store> prepare(const engine::operation_context& ctx, engine::message& msg,
                                            std::string& properties);
    using append_callback = std::function<void(result<engine::append_receipt>)>;
    // Answers `done` on `executor` with the receipt once `stored` is durable
    // (or not in time).
    void complete_when_durable(const result<store::append_result>& stored, std::int32_t queue_id,
                               std::string message_id, const asio::any_io_executor& executor, append_callback done);
    // Stores `batch` in one go; where a message breaks a store limit, one by
    // one, so that only it fails.
    std::vector<result<store::append_result>> store_batch(std::span<const store::message_to_store> batch);
    void post_pump(const std::shared_ptr<subscription>& sub);
    void pump(const std::shared_ptr<subscription>& sub);
    // The delivery of the record `t` took, or nothing when it is skipped
    // (filtered, expired, gone: settled for the group). `stored`: the
    // source's queue in the store, looked up once per round; null if none.
    std::optional<engine::delivery> take_delivery(subscription& sub, pop_queue& queue,
                                                  const store::consume_queue* stored, const subscription::source& src,
                                                  const pop_queue::taken& t);
    void hand_over(subscription& sub, engine::delivery&& d);
    // Fills a new `d` from a record, for a delivery built where it is kept
    // (the pump's); to_delivery returns one.
    void fill_delivery(engine::delivery& d, const store::record_ref& ref, const store::decoded_record& record,
                       int delivery_count, body_placement body = body_placement::copied) const;
    engine::delivery to_delivery(const store::record_ref& ref, const store::decoded_record& record,
                                 int delivery_count) const;
    void wake_group(const consumer_group& group);

    // Copies a delivery to the retry or dead-letter topic, then acks it (or
    // releases it when the copy cannot be stored).
    void redeliver(consumer_group& group, const std::string& topic, std::int32_t queue_id, std::int64_t offset,
                   std::uint64_t delivery_id, bool dead_letter, bool back_off);
    // Appends a copy of `record` for `group`: to its dead-letter topic, or to
    // its retry topic after `delay_level` (0: at once). An error means
    // nothing was stored; otherwise `durable` runs once the copy is.
    std::error_code copy_for_group(const std::string& group, const store::decoded_record& record,
                                   const message_origin& origin, bool dead_letter, int delay_level,
                                   store::durable_callback durable);
    void revive_expired();
    void persist_offsets();
    // Answers every read held on `topic` now, failed with `reason` (the
    // topic is gone: waiting for it would only run into the timeout).
    void fail_held_reads_of(const std::string& topic, std::error_code reason);

    store::message_store& store_;
    const core_config config_;
    topic_registry topics_;
    consumer_offsets offsets_;
    group_config_registry group_configs_;
    std::mutex key_mutex_;
    store::unique_key_generator unique_keys_; // key_mutex_
    delay_scheduler scheduler_;
    arrival_hub arrivals_;
    store::periodic_thread reviver_;
    store::periodic_thread offset_persister_;

    mutable std::shared_mutex mutex_;
    std::unordered_map<std::uint64_t, std::shared_ptr<subscription>> subscriptions_;
    std::unordered_map<std::string, std::shared_ptr<consumer_group>> groups_;
    std::atomic<std::uint64_t> next_subscription_{1};
    // Names this run's private groups apart from any earlier run's, whose
    // retry topics may still hold records.
    std::string private_group_prefix_;
    // Reads held for long polling: the topic each waits on and how to
    // answer it at once (with what is there, or failed with a reason).
    struct held_read {
        std::string topic;
        std::function<void(std::error_code)> answer;
    };
    std::mutex held_mutex_;
    std::unordered_map<std::uint64_t, held_read> held_reads_; // held_mutex_
    std::uint64_t next_held_read_ = 0;                                    // held_mutex_
    bool holding_reads_ = true;                                           // held_mutex_
    std::atomic<std::uint64_t> expired_{0};
    bool running_ = false;
    retained_index retained_{store_, config_.root_dir, config_.retained_snapshot_interval};
};

} // namespace gantry::core
