#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gantry/engine/delivery.hpp"
#include "gantry/engine/group_config_store.hpp"
#include "gantry/engine/message.hpp"
#include "gantry/engine/operation_context.hpp"
#include "gantry/engine/result.hpp"
#include "gantry/engine/retained_store.hpp"
#include "gantry/engine/stored_record.hpp"
#include "gantry/engine/subscription_options.hpp"

namespace gantry::engine {

// A topic as routes describe it: its queue counts and permission bits
// (RocketMQ's perm: 4 read, 2 write, 1 template for automatic creation).
struct topic_info {
    std::string name;
    std::int32_t read_queue_nums = 0;
    std::int32_t write_queue_nums = 0;
    std::int32_t perm = 0;
    std::int32_t topic_sys_flag = 0;
    bool order = false;
};

// The topic table with RocketMQ's DataVersion (changes so far, time of the last).
struct topic_table {
    std::vector<topic_info> topics; // sorted by name
    std::int64_t version_counter = 0;
    std::int64_t version_timestamp_ms = 0;
};

struct declare_options {
    std::string topic;
    int queue_count = 0; // 0: the configured default
    // An admin's create-or-update (UPDATE_AND_CREATE_TOPIC): the topic gets
    // exactly these queue counts, perm, sys flag and order, existing or not
    // (`name` is ignored; `topic` names it). A system topic is refused.
    std::optional<topic_info> config = std::nullopt;
};

// A network address as a record stores it (born and store hosts).
struct host_address {
    std::array<std::uint8_t, 16> bytes{}; // 4 used for IPv4
    bool is_v6 = false;
    std::int32_t port = 0;
};

// A message in the commit log's own form (specs §3), for protocols and
// bridges that already speak it: the native RocketMQ protocol sends the
// queue, flag, sys flag and property string its client chose.
struct record_append {
    std::string topic;
    std::int32_t queue_id = 0;
    std::int32_t flag = 0;
    std::string body;          // as sent, compressed when sys_flag says so
    std::string properties;    // name 0x01 value 0x02 ... (specs §3.3)
    std::int32_t sys_flag = 0; // compression and transaction bits
    std::int64_t born_timestamp = 0;
    host_address born_host;
    std::int32_t reconsume_times = 0;
};

struct append_receipt {
    std::string message_id; // UNIQ_KEY (assigned when the message had none)
    // Where the record lies in the commit log: facade::offset_message_id()
    // names it as RocketMQ's offset msgId.
    std::int64_t physical_offset = 0;
    std::int32_t queue_id = 0;
    std::int64_t queue_offset = 0;
    // False when SYNC_FLUSH did not make it durable within syncFlushTimeout:
    // stored and readable, but a crash may lose it. A protocol with no such
    // answer (MQTT, AMQP, STOMP) must not acknowledge it as stored; the
    // native protocol answers FLUSH_DISK_TIMEOUT with the receipt, as Java.
    bool durable = true;
};

// A consumer's request to see a stored message again later (RocketMQ's
// CONSUMER_SEND_MSG_BACK): the record at `physical_offset` is copied to the
// group's retry topic, or to its dead-letter topic once it has been
// reconsumed `max_reconsume_times` times (when negative, the group's
// retryMaxTimes: group_config_store::effective_group_config).
struct send_back_request {
    std::string group;
    std::int64_t physical_offset = 0;
    std::int32_t delay_level = 0;          // 0: back-off 3 + reconsume times; < 0: dead letters at once
    std::int32_t max_reconsume_times = -1; // < 0: the group's retry limit
    std::string origin_message_id;         // used when the record names no origin of its own
};

// A pull by offset (the native protocol's model), waiting up to `wait` for
// a message when none is there yet. A wait ends at once, failed with
// topic_not_exist, when its topic is deleted.
struct read_request {
    std::string topic;
    std::int32_t queue_id = 0;
    std::int64_t offset = 0;
    std::int32_t max_messages = 32;
    std::chrono::milliseconds wait{0};
    filter_language filter_kind = filter_language::tag;
    std::string filter;
    // Return the records as stored (read_result::records) rather than
    // decoded messages, for protocols that send them as they lie.
    bool stored_form = false;
};

struct read_result {
    std::vector<delivery> messages;     // when the request did not ask for the stored form
    std::vector<stored_record> records; // when it did
    std::int64_t next_offset = 0;
    std::int64_t min_offset = 0;
    std::int64_t max_offset = 0;
};

// A queue's extent: offsets [min_offset, max_offset), and when its first
// readable message was stored (0 when empty).
struct queue_state {
    std::int64_t min_offset = 0;
    std::int64_t max_offset = 0;
    std::int64_t earliest_store_time_ms = 0;
    // RocketMQ's "not in disk" test for offset 0: its record lies within the
    // newest 40 % of RAM worth of commit log, or the queue has no offset 0.
    bool first_in_memory = true;
};

// A consumer group as an operator sees it: whether the engine keeps its
// position when no member is left, and how many members it has now.
struct group_info {
    std::string name;
    int members = 0;
    bool durable = false;

    friend bool operator==(const group_info&, const group_info&) = default;
};

struct subscription_id {
    std::uint64_t value = 0;
    friend bool operator==(subscription_id, subscription_id) = default;
};

// The narrow surface every protocol module and bridge uses (DESIGN.md,
// "engine facade"). Completions run on the context's executor. Appends from
// one caller complete in the order they were made.
class facade {
public:
    virtual ~facade() = default;

    virtual void declare(const operation_context& ctx, declare_options options,
                         std::function<void(std::error_code)> done) = 0;

    // Completes once the message is stored with the configured durability.
    virtual void append(const operation_context& ctx, message msg,
                        std::function<void(result<append_receipt>)> done) = 0;
    // Several messages, each as append() would take it after the one before
    // (its own receipt or error, in order), stored in one go and answered
    // once: what one read of a connection brought.
    virtual void append_batch(const operation_context& ctx, std::vector<message> msgs,
                              std::function<void(std::vector<result<append_receipt>>)> done) = 0;
    // A new message id (UNIQ_KEY), as append() gives a message that has
    // none: for a caller that must name a message before it is stored, to
    // find it later with find_by_key.
    virtual std::string new_message_id() = 0;
    // The same for a message already in the record's form, into the queue it names.
    virtual void append_record(const operation_context& ctx, record_append record,
                               std::function<void(result<append_receipt>)> done) = 0;

    // Why a filter would be refused (with the position for a selector), or
    // nothing when it is valid; subscribe() refuses the same filters.
    virtual std::optional<std::string> check_filter(filter_language language, const std::string& text) const = 0;
    virtual result<subscription_id> subscribe(const operation_context& ctx, subscription_options options,
                                              std::shared_ptr<delivery_sink> sink) = 0;
    // Allows `credit` more deliveries to the subscription.
    virtual void grant_credit(subscription_id id, int credit) = 0;
    virtual void settle(subscription_id id, const delivery_handle& handle, outcome result) = 0;
    // Deliveries from now on settled as they are handed over, or not
    // (subscription_options::settle_on_hand_over): for a subscriber whose
    // guarantee changes, as an MQTT subscription replaced at another QoS.
    // Deliveries already handed over keep the way they went.
    virtual void settle_on_hand_over(subscription_id id, bool on) = 0;
    // Keeps a delivery invisible to the group for `more` from now (a
    // consumer still working on it); false when the handle is stale.
    virtual bool extend(subscription_id id, const delivery_handle& handle, std::chrono::milliseconds more) = 0;
    // Ends the subscription; a non-durable one leaves no state behind.
    virtual void unsubscribe(subscription_id id) = 0;

    virtual void read(const operation_context& ctx, read_request request,
                      std::function<void(result<read_result>)> done) = 0;
    virtual std::error_code commit_offset(const operation_context& ctx, const std::string& group,
                                          const std::string& topic, std::int32_t queue_id, std::int64_t offset) = 0;
    // The offset a group last committed for a queue; nothing when it never did.
    virtual std::optional<std::int64_t> committed_offset(const std::string& group, const std::string& topic,
                                                         std::int32_t queue_id) const = 0;
    // Where a group resumes a queue after a crash: its committed offset as
    // last written to disk (flushConsumerOffsetInterval, or when its last
    // member left); nothing when none was written.
    virtual std::optional<std::int64_t> durable_offset(const std::string& group, const std::string& topic,
                                                       std::int32_t queue_id) const = 0;
    // Moves a group's position in every queue of a topic: to the earliest or
    // latest message, a time, or an offset. Live members continue from there.
    virtual std::error_code reset_offsets(const operation_context& ctx, const std::string& group,
                                          const std::string& topic, start_position to) = 0;
    // Forgets a consumer group with no member left: its committed offsets,
    // its position and its retry topic (its dead letters stay). A durable
    // subscription's end (JMS unsubscribe); a group never seen is no error.
    virtual std::error_code delete_group(const operation_context& ctx, const std::string& group) = 0;
    // No one will come back for the durable group: deleted now when it has
    // no member, else made transient, so that it goes with its last member
    // (unless a durable subscriber joins it first).
    virtual void release_group(const operation_context& ctx, const std::string& group) = 0;
    // The topics a group has a position in, sorted, its retry topic left
    // out: what a durable group subscribed to (JMS unsubscribe looks it up);
    // empty for a group never seen.
    virtual std::vector<std::string> group_topics(const std::string& group) const = 0;
    // Every group the engine knows, sorted by name: those with a committed
    // offset (durable) and those with live members.
    virtual std::vector<group_info> list_groups() const = 0;
    // Creates the durable group `options` names at its start position, as
    // its first subscription would, without subscribing: what is appended
    // from now on waits for it (a bridge pins its groups before its remote
    // is ever reached). A group that already has a position keeps it. For
    // every topic: each existing topic at the start position when the group
    // is new; later, a topic it has no position in (made since) from its
    // beginning. Such a group's subscriptions start at earliest(), so a topic
    // made while none is live is read whole. A group that is not durable or
    // has no name: invalid_argument.
    virtual std::error_code pin_group(const subscription_options& options) = 0;
    // A limit on what waits for an absent durable subscriber (an MQTT
    // session's offline queue): of the messages the subscriptions in
    // `groups` would be given from their groups' positions, counted together
    // in the order they were stored, the newest `keep` stay and the groups
    // move past the older ones. Returns how many were skipped, 0 when no
    // more than `keep` wait. Each entry is a durable group's subscription as
    // it would be made; a group with a live member is left alone. Costs a
    // walk over the entries past the groups' positions when they number
    // more than `keep`.
    virtual result<std::uint64_t> trim_backlog(const operation_context& ctx,
                                               std::span<const subscription_options> groups, std::uint64_t keep) = 0;

    // A topic that exists (nothing is created); names of all topics, sorted.
    virtual std::optional<topic_info> find_topic(const std::string& name) const = 0;
    virtual std::vector<std::string> topic_names() const = 0;
    // The executor on which every reader of `topic` waiting now (its
    // subscriptions, its waiting reads) is woken, when they share one:
    // a connection that publishes to it may move there
    // (protocols/common/publisher_placement.hpp). Nothing when none waits
    // or they wait on several.
    virtual std::optional<asio::any_io_executor> readers_executor(const std::string& topic) const = 0;
    virtual topic_table list_topics() const = 0;
    // An administrator's delete (RocketMQ's DELETE_TOPIC_IN_BROKER): the
    // topic leaves the table, every group's committed offsets on it go, its
    // queues can no longer be read (made again, they start at 0), and each
    // subscription reading it ends with an error through its sink's
    // closed() (one to every topic only stops reading it). Its records stay
    // in the log until retention removes them.
    // A system topic is refused; %RETRY% and %DLQ% topics may be deleted
    // (RocketMQ does not count them as system topics); an unknown topic is
    // topic_not_exist.
    virtual std::error_code delete_topic(const operation_context& ctx, const std::string& topic) = 0;

    virtual result<queue_state> query_queue(const std::string& topic, std::int32_t queue_id) const = 0;
    // The first offset of a queue stored at or after `timestamp_ms`.
    virtual std::int64_t offset_at_time(const std::string& topic, std::int32_t queue_id,
                                        std::int64_t timestamp_ms) const = 0;
    // Where the commit log ends now: every append acknowledged before this
    // call lies below it, every append made after it at or above it
    // (start_position::at_log_position).
    virtual std::int64_t log_end() const = 0;

    // RocketMQ's offset msgId of the record at `physical_offset`: this
    // broker's store host and the offset, in hex.
    virtual std::string offset_message_id(std::int64_t physical_offset) const = 0;
    // Look-ups: by RocketMQ offset msgId, or by key / unique key within a topic.
    virtual result<delivery> find_by_offset_id(const std::string& offset_message_id) = 0;
    virtual std::vector<delivery> find_by_key(const std::string& topic, const std::string& key,
                                              std::size_t max_results) = 0;

    // Several records in one append: consecutive records of one queue get
    // consecutive offsets; completes once the last is durable (or fails whole).
    virtual void append_records(const operation_context& ctx, std::vector<record_append> records,
                                std::function<void(result<std::vector<append_receipt>>)> done) = 0;
    // The same look-ups in the records' stored form: by commit-log offset,
    // and by key within [begin_ms, end_ms] of store time, newest first.
    // Without the index (messageIndexEnable = false) look-ups by key read
    // the topic over the time range, up to a bound (the store's
    // max_records_scanned): a narrow range keeps them cheap.
    virtual std::optional<stored_record> stored_record_at(std::int64_t physical_offset) const = 0;
    virtual std::vector<stored_record> find_stored_by_key(const std::string& topic, const std::string& key,
                                                          std::size_t max_results, std::int64_t begin_ms,
                                                          std::int64_t end_ms) const = 0;
    // Completes once the copy is durable.
    virtual void send_back(const operation_context& ctx, send_back_request request,
                           std::function<void(std::error_code)> done) = 0;

    // Retained messages by name (MQTT's), a separate narrow interface.
    virtual retained_store& retained() = 0;
    // The consumer-group settings operators store (RocketMQ's subscription
    // groups), another narrow interface.
    virtual group_config_store& group_configs() = 0;
};

} // namespace gantry::engine
