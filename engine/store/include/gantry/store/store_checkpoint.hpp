#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <system_error>

namespace gantry::store {

// The checkpoint file (specs §5.5): one 4 KiB page. RocketMQ's three
// timestamps keep their places; Gantry adds three offsets after the 5.x
// fields, which recovery trusts more than times (docs/decisions/0001).
struct checkpoint_state {
    std::int64_t physic_msg_timestamp = 0; // @0  store time of the last flushed commit-log record
    std::int64_t logics_msg_timestamp = 0; // @8  same for consume queues
    std::int64_t index_msg_timestamp = 0;  // @16 last index flush
    std::int64_t physic_flushed_offset = 0; // @40 commit log durable below this offset
    std::int64_t dispatched_offset = 0;     // @48 consume queues durable below this offset
    std::int64_t indexed_offset = 0;        // @56 index durable below this offset
};

class store_checkpoint {
public:
    explicit store_checkpoint(std::filesystem::path path);
    ~store_checkpoint();

    // Opens or creates the file; a missing file reads as all zeros.
    std::error_code open();
    checkpoint_state state() const;
    // The commit-log, queue and index flushers each own their fields.
    void set_physic(std::int64_t flushed_offset, std::int64_t last_store_timestamp);
    void set_logics(std::int64_t dispatched_offset, std::int64_t last_store_timestamp);
    void set_index(std::int64_t indexed_offset, std::int64_t last_store_timestamp);
    // Writes the page and waits until it is on disk.
    std::error_code flush();

private:
    std::filesystem::path path_;
    int fd_ = -1;
    mutable std::mutex mutex_;
    std::mutex write_mutex_;
    checkpoint_state state_;
};

} // namespace gantry::store
