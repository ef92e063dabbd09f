#include "gantry/store/index_service.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "gantry/store/index_file.hpp"
#include "gantry/store/message_record.hpp"
#include "store_log.hpp"

namespace gantry::store {

namespace {

using file_list = std::vector<std::shared_ptr<index_file>>;

bool is_index_file_name(std::string_view name) {
    return name.size() == 17 && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Calls f for each key a record is indexed under: UNIQ_KEY and every
// non-empty space-separated KEYS entry, each once (a duplicate would return
// the record twice to every query). No allocation: this runs per record.
template <typename F>
void for_each_key(const index_request& request, F&& f) {
    if (!request.unique_key.empty()) f(request.unique_key);
    const std::string_view keys = request.keys;
    auto seen_before = [&](std::string_view key, std::size_t end) {
        if (key == request.unique_key) return true;
        for (std::size_t at = 0; at < end;) {
            const auto space = std::min(keys.find(' ', at), end);
            if (keys.substr(at, space - at) == key) return true;
            at = space + 1;
        }
        return false;
    };
    for (std::size_t at = 0; at <= keys.size();) {
        const auto space = std::min(keys.find(' ', at), keys.size());
        const auto key = keys.substr(at, space - at);
        if (!key.empty() && !seen_before(key, at)) f(key);
        at = space + 1;
    }
}

} // namespace

index_service::index_service(const store_config& config) : config_(config) {
    if (config_.max_hash_slot_num < 1 || config_.max_index_num < 2)
        throw std::invalid_argument("maxHashSlotNum must be at least 1 and maxIndexNum at least 2");
}

index_service::~index_service() = default;

std::error_code index_service::load() {
    std::vector<std::filesystem::path> paths;
    std::error_code ec;
    std::filesystem::create_directories(config_.index_dir(), ec);
    if (ec) return ec;
    for (std::filesystem::directory_iterator it(config_.index_dir(), ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (mapped_file::remove_if_unfinished(it->path())) continue;
        if (it->is_regular_file(type_ec) && is_index_file_name(it->path().filename().string()))
            paths.push_back(it->path());
    }
    if (ec) return ec;
    // Names are creation times, so name order is age order.
    std::sort(paths.begin(), paths.end());

    file_list files;
    for (const auto& path : paths) {
        auto file = index_file::open(path, config_.max_hash_slot_num, config_.max_index_num);
        if (!file) {
            store_log()->error("cannot load index file {}: {}; was it written with other maxHashSlotNum/"
                               "maxIndexNum settings? Restore them, or delete {} to rebuild the index from the "
                               "commit log",
                               path.string(), file.error().message(), config_.index_dir().string());
            return file.error();
        }
        files.push_back(std::move(*file));
    }
    std::unique_lock lock(mutex_);
    files_ = std::move(files);
    newest_ = files_.empty() ? nullptr : files_.back();
    lock.unlock();
    indexed_end_ = end_physical_offset();
    return {};
}

std::error_code index_service::build(const index_request& request) {
    if ((request.sys_flag & sys_flag::transaction_mask) == sys_flag::transaction_rollback) return {};
    if (request.physical_offset < indexed_end_) return {};
    std::error_code failure;
    for_each_key(request, [&](std::string_view key) {
        if (failure) return;
        const std::int32_t hash = index_file::key_hash(request.topic, key);
        if (newest_ && newest_->put(hash, request.physical_offset, request.store_timestamp)) return;
        std::error_code dir_ec;
        std::filesystem::create_directories(config_.index_dir(), dir_ec);
        auto next = index_file::create(config_.index_dir(), newest_ ? newest_->name() : std::string(),
                                       config_.max_hash_slot_num, config_.max_index_num);
        if (!next) {
            store_log()->error("cannot create an index file in {}: {}; records from commit-log offset {} on are "
                               "not indexed by key. Check the disk",
                               config_.index_dir().string(), next.error().message(), request.physical_offset);
            failure = next.error();
            return;
        }
        newest_ = std::move(*next);
        newest_->put(hash, request.physical_offset, request.store_timestamp);
        std::unique_lock lock(mutex_);
        files_.push_back(newest_);
    });
    if (!failure) indexed_end_ = request.physical_offset + 1;
    return failure;
}

std::vector<std::int64_t> index_service::query(std::string_view topic, std::string_view key, std::size_t max_results,
                                               std::int64_t begin_ms, std::int64_t end_ms) const {
    std::vector<std::int64_t> found;
    if (max_results == 0) return found;
    // A copy of the list, so that neither the writer nor retention waits for
    // a query; a removed file stays mapped while the copy holds it.
    file_list files;
    {
        std::shared_lock lock(mutex_);
        files = files_;
    }
    const std::int32_t hash = index_file::key_hash(topic, key);
    for (auto it = files.rbegin(); it != files.rend() && found.size() < max_results; ++it)
        if ((*it)->overlaps(begin_ms, end_ms)) (*it)->select(hash, begin_ms, end_ms, max_results, found);
    return found;
}

std::int64_t index_service::end_physical_offset() const {
    // The index never learns record sizes: one past the start of the last
    // indexed record is the least offset every indexed record lies below.
    std::shared_lock lock(mutex_);
    for (auto it = files_.rbegin(); it != files_.rend(); ++it)
        if ((*it)->entry_count() > 0) return (*it)->last_physical_offset() + 1;
    return 0;
}

std::error_code index_service::flush() {
    file_list files;
    {
        std::shared_lock lock(mutex_);
        files = files_;
    }
    std::error_code first_error;
    for (const auto& file : files)
        if (auto ec = file->flush(); ec && !first_error) first_error = ec;
    return first_error;
}

void index_service::remove_below(std::int64_t commit_log_min) {
    file_list removed;
    {
        std::unique_lock lock(mutex_);
        // Keep the newest file: the writer appends to it.
        while (files_.size() > 1 && files_.front()->last_physical_offset() < commit_log_min) {
            removed.push_back(std::move(files_.front()));
            files_.erase(files_.begin());
        }
    }
    for (const auto& file : removed)
        if (auto ec = file->remove())
            store_log()->warn("cannot delete expired index file {}: {}; delete it by hand", file->path().string(),
                         ec.message());
}

void index_service::remove_all() {
    file_list removed;
    {
        std::unique_lock lock(mutex_);
        removed.swap(files_);
    }
    newest_ = nullptr;
    indexed_end_ = 0;
    for (const auto& file : removed)
        if (auto ec = file->remove())
            store_log()->warn("cannot delete index file {}: {}; delete it by hand", file->path().string(),
                         ec.message());
}

} // namespace gantry::store
