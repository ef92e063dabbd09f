#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>

#include "gantry/store/periodic_thread.hpp"
#include "gantry/store/store_config.hpp"

namespace gantry::store {

class commit_log;
class consume_queue_store;
class index_service;

// Percent of the file system holding `path` that is in use.
using disk_usage_probe = std::function<double(const std::filesystem::path&)>;
double file_system_usage_percent(const std::filesystem::path& path);

// Deletes what the retention policy lets go (specs §5.2): commit-log
// segments older than fileReservedTime at the deleteWhen hours, at once when
// the disk is above diskMaxUsedSpaceRatio, and the oldest segments whatever
// their age above diskSpaceCleanForciblyRatio; then the queue and index
// files that only pointed into deleted segments. Above
// diskSpaceWarningLevelRatio the store refuses appends.
class retention_service {
public:
    retention_service(const store_config& config, commit_log& log, consume_queue_store& queues,
                      index_service* index, disk_usage_probe probe = file_system_usage_percent);

    void start();
    void stop();

    // One pass as of `now`; returns how many commit-log segments it removed.
    int run_once(std::chrono::system_clock::time_point now);

    bool disk_full() const noexcept { return disk_full_.load(std::memory_order_acquire); }

private:
    bool is_delete_hour(std::chrono::system_clock::time_point now) const;
    void update_disk_full(double usage);

    const store_config& config_;
    commit_log& log_;
    consume_queue_store& queues_;
    index_service* index_;
    disk_usage_probe probe_;
    std::atomic<bool> disk_full_{false};
    periodic_thread thread_;
};

} // namespace gantry::store
