#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "gantry/engine/result.hpp"
#include "gantry/store/mapped_file.hpp"

namespace gantry::store {

// One RocketMQ IndexFile (specs §5.4): a fixed-size hash table from
// hash("topic#key") to commit-log offsets, named by its creation time.
//
//   header  40 bytes  beginTimestamp i64, endTimestamp i64,
//                     beginPhyOffset i64, endPhyOffset i64,
//                     hashSlotCount i32 (slots in use), indexCount i32
//   slots   n * 4     newest entry index of the bucket, 0 = empty
//   entries m * 20    keyHash i32, phyOffset i64, timeDiff i32 (s), prevIndex i32
//
// Entry 0 is never used so that 0 can mean "none". One writer puts; any
// thread may select. An entry becomes reachable only through its slot, which
// is stored (release) after the entry, so a reader never follows a
// half-written entry. Readers take the header values from in-memory mirrors,
// never from the mapped header the writer is rewriting.
class index_file {
public:
    static constexpr std::int64_t header_size = 40;
    static constexpr std::int64_t slot_size = 4;
    static constexpr std::int64_t entry_size = 20;

    static std::int64_t file_size(std::int32_t slot_count, std::int32_t max_entries) noexcept;

    // abs(Java String.hashCode("topic#key")), 0 where abs overflows.
    static std::int32_t key_hash(std::string_view topic, std::string_view key);

    // `yyyyMMddHHmmssSSS` in local time, as RocketMQ names index files.
    static std::string file_name(std::int64_t epoch_ms);

    // Creates a file named by the current time, or 1 ms after
    // `previous_name` when the clock has not moved past it, so that name
    // order stays creation order.
    static result<std::shared_ptr<index_file>> create(const std::filesystem::path& dir,
                                                      std::string_view previous_name, std::int32_t slot_count,
                                                      std::int32_t max_entries);
    static result<std::shared_ptr<index_file>> open(const std::filesystem::path& path, std::int32_t slot_count,
                                                    std::int32_t max_entries);

    const std::filesystem::path& path() const noexcept { return file_->path(); }
    std::string name() const { return path().filename().string(); }

    // Writer only. False when the file is full.
    bool put(std::int32_t key_hash, std::int64_t physical_offset, std::int64_t store_timestamp);
    bool is_full() const noexcept { return index_count_.load(std::memory_order_acquire) >= max_entries_; }
    std::int32_t entry_count() const noexcept { return index_count_.load(std::memory_order_acquire) - 1; }

    // Appends to `out`, newest first, the offsets of entries with this hash
    // whose store time lies in [begin_ms, end_ms], until out holds
    // `max_results`.
    void select(std::int32_t key_hash, std::int64_t begin_ms, std::int64_t end_ms, std::size_t max_results,
                std::vector<std::int64_t>& out) const;
    // Whether an entry of this file may lie in [begin_ms, end_ms].
    bool overlaps(std::int64_t begin_ms, std::int64_t end_ms) const noexcept;

    std::int64_t begin_timestamp() const noexcept { return begin_timestamp_.load(std::memory_order_acquire); }
    std::int64_t end_timestamp() const noexcept { return end_timestamp_.load(std::memory_order_acquire); }
    // Commit-log offset of the last record indexed here (the header's
    // endPhyOffset: the index never learns record sizes).
    std::int64_t last_physical_offset() const noexcept { return end_physical_offset_.load(std::memory_order_acquire); }

    // Makes every change so far durable.
    std::error_code flush();
    // Unlinks the file; readers holding it keep their mapping.
    std::error_code remove() { return file_->remove(); }

private:
    index_file(mapped_file_ptr file, std::int32_t slot_count, std::int32_t max_entries);

    std::int64_t entry_position(std::int32_t index) const noexcept;
    std::int32_t load_slot(std::int32_t slot, std::memory_order order) const noexcept;
    void store_slot(std::int32_t slot, std::int32_t index) noexcept;
    void write_header() noexcept;

    mapped_file_ptr file_;
    std::int32_t slot_count_;
    std::int32_t max_entries_;
    std::int32_t slots_in_use_ = 0; // writer only
    std::atomic<std::int32_t> index_count_{1};
    std::atomic<std::int64_t> begin_timestamp_{0};
    std::atomic<std::int64_t> end_timestamp_{0};
    std::atomic<std::int64_t> begin_physical_offset_{0};
    std::atomic<std::int64_t> end_physical_offset_{0};
};

} // namespace gantry::store
