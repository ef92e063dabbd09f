#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <vector>

#include "gantry/store/store_config.hpp"

namespace gantry::store {

class index_file;

// What the dispatcher indexes of one record.
struct index_request {
    std::string_view topic;
    std::string_view keys;       // KEYS property: space-separated business keys
    std::string_view unique_key; // UNIQ_KEY property: the client's message id
    std::int64_t physical_offset = 0;
    std::int64_t store_timestamp = 0;
    std::int32_t sys_flag = 0;
};

// The message-key index (specs §5.4): IndexFile-format hash files under
// index/, newest consulted first. Keys are "topic#key". The dispatcher is the
// only writer; queries may come from any thread.
class index_service {
public:
    explicit index_service(const store_config& config);
    ~index_service();

    std::error_code load();

    // Indexes UNIQ_KEY and every KEYS entry of a record. Records below the
    // last one indexed (at start: the newest file's end offset) were indexed
    // already (recovery replays them) and are skipped, as are rollback
    // records. From one thread at a time.
    std::error_code build(const index_request& request);

    // Commit-log offsets of records indexed under topic#key whose store time
    // lies in [begin_ms, end_ms], newest first, at most max_results. Hash
    // collisions are possible: the caller checks the key on the record.
    std::vector<std::int64_t> query(std::string_view topic, std::string_view key, std::size_t max_results,
                                    std::int64_t begin_ms, std::int64_t end_ms) const;

    // One past the start of the newest indexed record (0 when empty): a
    // replay skips every record below it. The index never learns sizes.
    std::int64_t end_physical_offset() const;

    std::error_code flush();
    // Retention: removes files whose every record lies below commit_log_min.
    void remove_below(std::int64_t commit_log_min);
    // Removes every file (the index is rebuilt from the commit log).
    void remove_all();

private:
    const store_config& config_;
    mutable std::shared_mutex mutex_;
    std::vector<std::shared_ptr<index_file>> files_;
    // The writer's own (one dispatching thread at a time; set by load and
    // remove_all before dispatch starts): the newest file, and one past the
    // start of the last record indexed, so that a record takes no lock.
    std::shared_ptr<index_file> newest_;
    std::int64_t indexed_end_ = 0;
};

} // namespace gantry::store
