#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/core/retained_trie.hpp"
#include "gantry/engine/result.hpp"
#include "gantry/store/message_store.hpp"
#include "gantry/store/periodic_thread.hpp"

namespace gantry::core {

// Which record is retained under each name. The records are the truth: a
// retained message is an ordinary commit-log record carrying GANTRY_RETAINED
// (an empty body clears its name), and this index (name → record offset) is
// derived from them like a consume queue. Appends of such records go through
// put(), which updates the index in log order; on start the index is the
// snapshot (config/retained.index, written atomically every interval when
// something changed and at stop) plus a replay of the log written after it.
// A snapshot that reaches past the recovered log (an OS crash lost its tail)
// is dropped and the whole log replayed. Thread-safe.
class retained_index {
public:
    retained_index(store::message_store& store, std::filesystem::path root_dir,
                   std::chrono::milliseconds snapshot_interval);
    ~retained_index();
    retained_index(const retained_index&) = delete;
    retained_index& operator=(const retained_index&) = delete;

    // After the store started and before anything appends.
    std::error_code start();
    // Writes the final snapshot; before the store shuts down.
    void stop();

    // The name a record is retained under (topic, then '/' and the tag, or
    // "topic/" with the trailing-level mark); nothing for records of
    // system, retry and dead-letter topics, which are never retained.
    static std::optional<std::string> name_of(const store::decoded_record& record);

    // Stores `m` (which carries GANTRY_RETAINED) and makes it the record of
    // `name`, or clears `name` when `clear`, in one step, so the index
    // follows the log's order when two publishers race on one name.
    result<store::append_result> put(const store::message_to_store& m, std::string_view name, bool clear);

    struct found {
        std::string name;
        store::record_ref ref;          // keeps the mapped bytes alive
        store::decoded_record record;   // views into ref
    };
    // Up to `limit` records retained under names matching `filter` (valid),
    // after `after`; `next` is set when more may follow. A name whose record
    // is gone (retention) or is not the one indexed is dropped on the way.
    std::vector<found> find(std::string_view filter, const std::optional<std::string>& after, std::size_t limit,
                            std::optional<std::string>& next);

    std::size_t size() const;
    std::error_code write_snapshot();
    const std::filesystem::path& snapshot_path() const noexcept { return path_; }

private:
    // The snapshot's entries into the trie; returns the log offset it covers.
    std::int64_t load_snapshot();
    void replay(std::int64_t from);
    void apply(const store::decoded_record& record); // mutex_ held
    void snapshot_if_due();

    store::message_store& store_;
    const std::filesystem::path path_;
    mutable std::shared_mutex mutex_;
    retained_trie trie_;         // mutex_
    std::uint64_t changes_ = 0;  // mutex_
    std::mutex snapshot_mutex_;  // one snapshot writer at a time
    std::uint64_t snapshot_changes_ = 0;   // snapshot_mutex_: changes_ the last snapshot saw
    std::int64_t snapshot_log_offset_ = -1; // snapshot_mutex_: the log offset it covers
    store::periodic_thread snapshotter_;
    bool running_ = false;
};

} // namespace gantry::core
