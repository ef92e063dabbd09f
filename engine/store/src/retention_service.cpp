#include "gantry/store/retention_service.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <ctime>

#include "gantry/store/commit_log.hpp"
#include "gantry/store/consume_queue_store.hpp"
#include "gantry/store/index_service.hpp"
#include "store_log.hpp"

namespace gantry::store {

double file_system_usage_percent(const std::filesystem::path& path) {
    struct statvfs fs {};
    if (::statvfs(path.c_str(), &fs) != 0 || fs.f_blocks == 0) return 0;
    const double total = static_cast<double>(fs.f_blocks);
    const double available = static_cast<double>(fs.f_bavail);
    return 100.0 * (total - available) / total;
}

retention_service::retention_service(const store_config& config, commit_log& log, consume_queue_store& queues,
                                     index_service* index, disk_usage_probe probe)
    : config_(config),
      log_(log),
      queues_(queues),
      index_(index),
      probe_(std::move(probe)),
      thread_("gantry-clean", config.clean_resource_interval,
              [this] { run_once(std::chrono::system_clock::now()); }) {}

void retention_service::start() {
    update_disk_full(probe_(config_.root_dir));
    thread_.start();
}

void retention_service::stop() { thread_.stop(); }

bool retention_service::is_delete_hour(std::chrono::system_clock::time_point now) const {
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm local{};
    ::localtime_r(&t, &local);
    return std::find(config_.delete_when_hours.begin(), config_.delete_when_hours.end(), local.tm_hour) !=
           config_.delete_when_hours.end();
}

void retention_service::update_disk_full(double usage) {
    const bool full = usage >= config_.disk_space_warning_level_ratio;
    const bool was_full = disk_full_.exchange(full, std::memory_order_acq_rel);
    if (full && !was_full)
        store_log()->error("disk under {} is {:.1f}% full, above diskSpaceWarningLevelRatio {}%; appends are "
                      "refused until space is freed (delete data or lower fileReservedTime)",
                      config_.root_dir.string(), usage, config_.disk_space_warning_level_ratio);
    else if (!full && was_full)
        store_log()->info("disk usage back to {:.1f}%; appends accepted again", usage);
}

int retention_service::run_once(std::chrono::system_clock::time_point now) {
    double usage = probe_(config_.root_dir);
    update_disk_full(usage);
    const bool over_limit = usage > config_.disk_max_used_space_ratio;
    const bool forcibly = usage > config_.disk_space_clean_forcibly_ratio || disk_full();
    if (!is_delete_hour(now) && !over_limit && !forcibly) return 0;

    const std::int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::int64_t reserved_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        config_.file_reserved_time).count();
    int removed = log_.files().remove_head_files(
        [&](const mapped_file& f) { return now_ms - f.last_modified_ms() > reserved_ms; });
    // Past the forcible ratio, age no longer protects a segment: free the
    // oldest ones until the disk is back under diskMaxUsedSpaceRatio.
    if (forcibly) {
        while (usage > config_.disk_max_used_space_ratio) {
            const int n = log_.files().remove_head_files([first = true](const mapped_file&) mutable {
                return std::exchange(first, false);
            });
            if (n == 0) break;
            removed += n;
            usage = probe_(config_.root_dir);
        }
        update_disk_full(usage);
    }
    if (removed > 0) {
        const std::int64_t min = log_.min_offset();
        store_log()->info("retention removed {} commit-log segment(s); log now starts at offset {}", removed, min);
        queues_.remove_expired(min);
        if (index_) index_->remove_below(min);
    }
    return removed;
}

} // namespace gantry::store
