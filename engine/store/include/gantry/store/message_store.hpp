#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include "gantry/engine/result.hpp"
#include "gantry/store/commit_log.hpp"
#include "gantry/store/consume_queue.hpp"
#include "gantry/store/flush_service.hpp"
#include "gantry/store/message_record.hpp"
#include "gantry/store/page_warmer.hpp"
#include "gantry/store/store_config.hpp"

namespace gantry::store {

class consume_queue_store;
class dispatcher;
class index_builder;
class index_service;
class periodic_thread;
class retention_service;
class store_checkpoint;

// Decides which records a read returns. The tag code (from the consume
// queue) is checked first, without touching the record.
class message_filter {
public:
    virtual ~message_filter() = default;
    virtual bool matches_tag_code(std::int64_t tag_code) const = 0;
    virtual bool matches_record(const decoded_record&) const { return true; }
};

struct get_request {
    std::string_view topic;
    std::int32_t queue_id = 0;
    std::int64_t offset = 0;
    std::int32_t max_messages = 32;
    std::int64_t max_bytes = 256 * 1024;
    const message_filter* filter = nullptr;
};

// RocketMQ's GetMessageStatus, which the native protocol reports.
enum class get_status {
    found,
    no_matched_message,      // records were read but the filter took none
    no_matched_logic_queue,  // no such topic/queue
    no_message_in_queue,     // the queue is empty
    offset_too_small,        // below the queue's minimum
    offset_overflow_one,     // exactly the queue's maximum: wait for more
    offset_overflow_badly,   // past the maximum
    offset_found_null,       // the record behind the entry is gone
};

// One queue entry's record, checked and decoded (its views point into `ref`).
struct queue_record {
    record_ref ref;
    decoded_record record;
};

struct get_result {
    get_status status = get_status::no_matched_logic_queue;
    std::int64_t next_begin_offset = 0;
    std::int64_t min_offset = 0;
    std::int64_t max_offset = 0;
    std::vector<record_ref> messages; // views of mapped memory, no copies
    std::int64_t total_bytes = 0;
};

// Called once records are readable from their queue, up to `max_offset`: once
// per run of one queue's records in a dispatching pass (a batch appended
// together is told once), on the thread dispatching them (usually the one
// that appended them; never two at once). Each queue's calls come in order.
using arrival_listener = std::function<void(std::string_view topic, std::int32_t queue_id, std::int64_t max_offset)>;

// The commit-log store: appends, durability, consume queues, the key index,
// recovery and retention, behind one object the engine core owns.
class message_store {
public:
    explicit message_store(store_config config);
    ~message_store();
    message_store(const message_store&) = delete;
    message_store& operator=(const message_store&) = delete;

    // Takes the directory lock, recovers and starts the store's threads.
    std::error_code start();
    // Stops the threads, flushes everything, writes the checkpoint and marks
    // the stop as clean. Idempotent.
    void shutdown();

    const store_config& config() const noexcept { return config_; }

    // Stage one of an append: the record is in the log and its offsets are
    // fixed. Stage two is when_durable(). The calling thread usually also
    // dispatches the record (dispatcher::dispatch_pending), so the arrival
    // listener may run inside put: it must not take a lock a caller of put
    // holds.
    result<append_result> put(const message_to_store& msg);
    std::error_code put_batch(std::span<const message_to_store> msgs, std::span<append_result> out);
    // Runs `done` once everything up to `end_offset` is durable as the
    // configuration asks: at once under ASYNC_FLUSH, after the group commit
    // under SYNC_FLUSH (on the flush thread).
    void when_durable(std::int64_t end_offset, durable_callback done);
    // Whether when_durable(end_offset, ...) would call back at once (always
    // under ASYNC_FLUSH): a caller then needs no callback.
    bool durable_at_once(std::int64_t end_offset) const;

    get_result get_messages(const get_request& request) const;
    // The record at one queue offset when `filter` (if any) takes it: what
    // a consumer taking messages one at a time reads, without get_messages'
    // batch. Nothing when the offset is not readable, the record is corrupt
    // or the filter rejects it.
    std::optional<queue_record> read_queue_record(std::string_view topic, std::int32_t queue_id,
                                                  std::int64_t queue_offset, const message_filter* filter) const;
    // The same from a queue found once for a run of reads (queue()): a
    // reader on every I/O thread looking the queue up for every record
    // would make them all write its reference count.
    std::optional<queue_record> read_queue_record(const consume_queue& queue, std::int64_t queue_offset,
                                                  const message_filter* filter) const;
    // A topic's queue, null when it has none (yet).
    std::shared_ptr<const consume_queue> queue(std::string_view topic, std::int32_t queue_id) const;
    std::optional<record_ref> read_record(std::int64_t physical_offset, std::int32_t size) const;
    // Reads the record at a commit-log offset, its size taken from the record.
    std::optional<record_ref> read_record_at(std::int64_t physical_offset) const;

    // A queue's entry at `queue_offset`: where its record lies and its tag
    // code (in the schedule topic, the delivery time).
    std::optional<cq_entry> queue_entry(std::string_view topic, std::int32_t queue_id,
                                        std::int64_t queue_offset) const;
    std::int64_t min_offset(std::string_view topic, std::int32_t queue_id) const;
    std::int64_t max_offset(std::string_view topic, std::int32_t queue_id) const;
    // Store time of the queue's first readable message (0 when empty).
    std::int64_t earliest_store_time(std::string_view topic, std::int32_t queue_id) const;
    // The first queue offset whose record was stored at or after
    // `timestamp_ms` (binary search over the queue); max_offset when none.
    std::int64_t offset_for_timestamp(std::string_view topic, std::int32_t queue_id, std::int64_t timestamp_ms) const;
    // The first queue offset whose record lies at or after commit-log offset
    // `physical_offset`; max_offset when none has been dispatched yet.
    std::int64_t offset_for_log_position(std::string_view topic, std::int32_t queue_id,
                                         std::int64_t physical_offset) const;
    std::int64_t commit_log_min_offset() const;
    std::int64_t commit_log_max_offset() const;
    std::int64_t dispatched_offset() const;

    // Records stored under `key` (UNIQ_KEY or a KEYS entry) in `topic`
    // within [begin_ms, end_ms], newest first, each checked against the key.
    // Without the index (messageIndexEnable = false) the topic's queues are
    // read over that time instead, at most max_records_scanned records:
    // slower, and nothing past that bound.
    std::vector<record_ref> query_by_key(std::string_view topic, std::string_view key, std::size_t max_results,
                                         std::int64_t begin_ms, std::int64_t end_ms) const;
    static constexpr std::size_t max_records_scanned = 100'000;

    // A deleted topic: its consume queues go (nothing of it can be read any
    // more) and, should it be made again, its queues start at offset 0. The
    // records stay in the commit log until retention removes them, as in
    // RocketMQ. dispatch_behind when the dispatcher did not reach the point
    // of deletion within a few seconds (the queues go when it does).
    std::error_code remove_topic(std::string_view topic);

    // Set before start(): dispatching threads call it without a lock.
    void set_arrival_listener(arrival_listener listener);

    // Whether appends are accepted (false while the disk is above
    // diskSpaceWarningLevelRatio).
    bool writable() const;

    retention_service& retention() noexcept { return *retention_; }

private:
    std::error_code lock_directory();
    void recover(bool crashed, bool queues_missing, bool index_missing);
    // `ref` decoded with its body checked; a corrupt one is logged and not served.
    std::vector<record_ref> scan_by_key(std::string_view topic, std::string_view key, std::size_t max_results,
                                        std::int64_t begin_ms, std::int64_t end_ms) const;
    std::optional<decoded_record> checked_record(const record_ref& ref, std::string_view topic,
                                                 std::int32_t queue_id, std::int64_t queue_offset) const;
    std::optional<std::int64_t> store_time_at(const consume_queue& cq, std::int64_t queue_offset) const;
    // Each flushes its files, then records in the checkpoint how far they reach.
    void flush_queues();
    void flush_index();
    // `reached` and `timestamp` are read before the flush: everything below
    // them is in the files being flushed, so the checkpoint never claims
    // more than is on disk.
    void flush_and_record(std::string_view what, const std::filesystem::path& where,
                          const std::function<std::error_code()>& flush,
                          void (store_checkpoint::*record)(std::int64_t, std::int64_t), std::int64_t reached,
                          std::int64_t timestamp);

    store_config config_;
    std::unique_ptr<page_warmer> warmer_; // only with a warm-ahead window; before the files it warms: outlives them
    std::unique_ptr<commit_log> commit_log_;
    std::unique_ptr<consume_queue_store> queues_;
    std::unique_ptr<index_service> index_;
    std::unique_ptr<index_builder> index_builder_; // with the index only
    std::unique_ptr<store_checkpoint> checkpoint_;
    std::unique_ptr<dispatcher> dispatcher_;
    std::unique_ptr<flush_service> flush_;
    std::unique_ptr<retention_service> retention_;
    std::unique_ptr<periodic_thread> queue_flusher_;
    std::mutex flush_queues_mutex_; // the periodic flush and remove_topic's
    std::unique_ptr<periodic_thread> index_flusher_; // with the index only
    int lock_fd_ = -1;
    std::atomic<bool> running_{false};
};

} // namespace gantry::store
