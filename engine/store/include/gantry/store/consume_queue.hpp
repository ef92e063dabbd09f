#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "gantry/store/mapped_file_queue.hpp"
#include "gantry/store/page_warmer.hpp"

namespace gantry::store {

// One consume-queue entry: where queue offset n's record lies (specs §5.3).
struct cq_entry {
    std::int64_t physical_offset = 0;
    std::int32_t size = 0;
    std::int64_t tag_code = 0;
};

// The index of one (topic, queue id) into the commit log: fixed 20-byte
// entries, entry n at byte n*20. The dispatcher is the only writer; readers
// see entries below max_offset().
class consume_queue {
public:
    static constexpr std::int64_t entry_size = 20;

    consume_queue(std::string topic, std::int32_t queue_id, std::filesystem::path dir, std::int64_t file_size,
                  warm_ahead warming = {});

    const std::string& topic() const noexcept { return topic_; }
    std::int32_t queue_id() const noexcept { return queue_id_; }

    std::error_code load() { return files_.load(); }
    // After loading: find the last written entry, drop entries that point at
    // or past `commit_log_max`, and the first entry still in the log.
    void recover(std::int64_t commit_log_min, std::int64_t commit_log_max);

    // Writes entry `queue_offset`; entries already present are left alone.
    std::error_code put(std::int64_t queue_offset, const cq_entry& entry);

    std::int64_t min_offset() const noexcept { return min_offset_.load(std::memory_order_acquire); }
    std::int64_t max_offset() const noexcept { return max_offset_.load(std::memory_order_acquire); }

    std::optional<cq_entry> get(std::int64_t queue_offset) const;
    // Copies up to out.size() entries starting at `from`; returns how many.
    std::size_t read(std::int64_t from, std::span<cq_entry> out) const;
    // End of the record behind the last entry (0 when empty).
    std::int64_t max_physical_end() const;

    result<std::int64_t> flush(int least_pages) { return files_.flush(least_pages); }

    // Retention: drops files whose every entry points below `commit_log_min`
    // and moves the minimum offset past such entries.
    int remove_expired(std::int64_t commit_log_min);
    void remove_all();

private:
    static cq_entry decode(const std::byte* p);
    static bool is_written(const cq_entry& e) { return e.size > 0; }
    static bool is_placeholder(const cq_entry& e) { return e.size == placeholder_size; }
    void advance_min_offset(std::int64_t commit_log_min);
    // The file entries are appended to; the dispatcher's, like put().
    result<mapped_file*> tail_for_append(std::int64_t byte_offset);

    static constexpr std::int32_t placeholder_size = 0x7FFFFFFF;

    std::string topic_;
    std::int32_t queue_id_;
    mapped_file_queue files_;
    mapped_file_ptr tail_; // kept between puts: looking it up costs a lock and a reference count each
    warm_ahead warming_;   // the dispatcher's, like put()
    std::atomic<std::int64_t> min_offset_{0};
    std::atomic<std::int64_t> max_offset_{0};
};

} // namespace gantry::store
