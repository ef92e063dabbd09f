#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "gantry/store/mapped_file.hpp"

namespace gantry::store {

// A log laid out as consecutive equal-sized mapped files in one directory.
// Offsets are global: a file's name is the offset of its first byte.
// Thread model: one appender creates files at the tail, one flusher flushes,
// retention removes from the head, any thread may look files up.
class mapped_file_queue {
public:
    mapped_file_queue(std::filesystem::path dir, std::int64_t file_size);

    // Maps every file in the directory; both positions are set to the file
    // size until recovery says where the data ends.
    std::error_code load();

    const std::filesystem::path& dir() const noexcept { return dir_; }
    std::int64_t file_size() const noexcept { return file_size_; }

    std::vector<mapped_file_ptr> files() const;
    mapped_file_ptr first_file() const;
    mapped_file_ptr last_file() const;
    // The file holding `offset`, or null.
    mapped_file_ptr find(std::int64_t offset) const;
    // The last file, or a new one starting at `offset` (rounded down to a
    // file boundary) when there is none or the last one is full. The file
    // appended to is advised so, the one before it for reading.
    result<mapped_file_ptr> last_file_for_append(std::int64_t offset);

    bool empty() const;
    std::int64_t min_offset() const;   // first byte of the first file, 0 if none
    std::int64_t max_offset() const;   // end of written data
    std::int64_t flushed_offset() const;
    void set_flushed_offset(std::int64_t offset);

    // Flushes the files between the flushed and written offsets.
    result<std::int64_t> flush(int least_pages);

    // Drops the bytes before `offset`, which must be flushed, from the page
    // cache (mapped_file::drop_cache_before).
    void drop_cache_before(std::int64_t offset);
    // Drops everything at and after `offset`: later files are removed, the
    // file holding it is zeroed from there.
    void truncate(std::int64_t offset);

    // Removes files from the head while `expired(file)` says so; never the
    // last file. Returns how many were removed.
    int remove_head_files(const std::function<bool(const mapped_file&)>& expired);

    // Removes every file (used when the whole log is rebuilt).
    void remove_all();

private:
    mapped_file_ptr advised_for_append(mapped_file_ptr file);

    std::filesystem::path dir_;
    std::int64_t file_size_;
    mutable std::shared_mutex files_mutex_;
    std::vector<mapped_file_ptr> files_;
    std::weak_ptr<mapped_file> appending_; // the appender's
    std::mutex flush_mutex_;
    std::atomic<std::int64_t> flushed_where_{0};
};

} // namespace gantry::store
