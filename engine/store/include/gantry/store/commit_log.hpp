#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "gantry/engine/result.hpp"
#include "gantry/store/append_buffer.hpp"
#include "gantry/store/mapped_file_queue.hpp"
#include "gantry/store/message_record.hpp"
#include "gantry/store/page_warmer.hpp"
#include "gantry/store/store_config.hpp"
#include "gantry/store/topic_queue_map.hpp"

namespace gantry::store {

// Where an appended record lies. The order of appends is fixed when this is
// returned; durability is a separate step (flush_service).
struct append_result {
    std::int64_t physical_offset = 0;
    std::int32_t size = 0;
    std::int64_t queue_offset = 0;
    std::int64_t store_timestamp = 0;
    std::int64_t end_offset() const noexcept { return physical_offset + size; }
};

// Bytes of one record in mapped memory, kept alive by the file reference.
struct record_ref {
    mapped_file_ptr file;
    bytes_view bytes;
};

// The single log every topic appends to (specs §5.2). Appends are
// serialised by one short critical section: encode a batch, copy it into the
// segment (through the mapping where the warmer has mapped the pages, with
// one pwrite where not), publish.
class commit_log {
public:
    // With a warmer, the pages past the written end are mapped writable
    // ahead of the appends (commitLogWarmAheadBytes).
    explicit commit_log(const store_config& config, page_warmer* warmer = nullptr);

    std::error_code load() { return files_.load(); }
    const store_config& config() const noexcept { return config_; }
    mapped_file_queue& files() noexcept { return files_; }
    const mapped_file_queue& files() const noexcept { return files_; }

    result<append_result> append(const message_to_store& msg);
    // Appends all messages in one critical section; consecutive messages of
    // one queue get consecutive queue offsets. Fills `out` (same size).
    std::error_code append_batch(std::span<const message_to_store> msgs, std::span<append_result> out);

    std::int64_t min_offset() const { return files_.min_offset(); }
    std::int64_t last_store_timestamp() const noexcept { return last_store_timestamp_.load(std::memory_order_acquire); }
    std::int64_t max_offset() const { return files_.max_offset(); }

    // The record of `size` bytes at `offset`, if it lies below the written end.
    std::optional<record_ref> read(std::int64_t offset, std::int32_t size) const;
    // The next record at or after `offset`, skipping end-of-segment blanks.
    std::optional<record_ref> read_next(std::int64_t& offset) const;

    // Called once recovery has settled the log's tail: takes the next queue
    // offset of every (topic, queue) and forgets the cached tail segment.
    void resume_appends(topic_queue_map<std::int64_t> offsets);
    std::int64_t next_queue_offset(std::string_view topic, std::int32_t queue_id) const;
    // A deleted topic: its queues start again at offset 0 with the next
    // append. Returns the end of the log at that moment: every record of the
    // topic before it has the old offsets, every later one the new.
    std::int64_t forget_topic(std::string_view topic);

private:
    std::error_code validate(const message_to_store& msg, std::int64_t size) const;
    // Makes current_ the segment to append to; requires append_mutex_.
    std::error_code open_writable_segment();
    // Encodes one validated message into gathered_, publishing what was
    // gathered first when current_ ends or gathered_ is full. On failure
    // nothing is left gathered. Requires append_mutex_, as do the two below.
    result<append_result> append_locked(const message_to_store& msg, std::int64_t size, std::int32_t crc,
                                        std::int64_t now);
    // Where the next record goes in current_.
    std::int64_t gathered_end() const noexcept;
    // Copies gathered_ into current_ and moves its wrote position to
    // `wrote_position`; on a failed pwrite gives back the queue offsets it
    // took.
    std::error_code publish_gathered(std::int64_t wrote_position);

    // Publishing mid-batch past this bounds the buffer and what readers wait for.
    static constexpr std::size_t max_gathered_bytes = 1024 * 1024;

    const store_config& config_;
    mapped_file_queue files_;
    mutable std::mutex append_mutex_;
    mapped_file_ptr current_; // the segment being appended to; append_mutex_
    append_buffer gathered_;  // records not yet in current_; append_mutex_
    std::vector<std::int64_t*> gathered_offsets_; // queue offsets they took; append_mutex_
    warm_ahead warm_ahead_;                       // append_mutex_
    topic_queue_map<std::int64_t> queue_offsets_;
    std::atomic<std::int64_t> last_store_timestamp_{0};
};

} // namespace gantry::store
