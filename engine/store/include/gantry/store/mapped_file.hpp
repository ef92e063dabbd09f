#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

#include "gantry/engine/result.hpp"
#include "gantry/store/byte_order.hpp"

namespace gantry::store {

// One preallocated, memory-mapped segment of a log, named by the 20-digit
// offset of its first byte. One writer appends and advances the wrote
// position; readers see bytes below it; one flusher makes them durable.
// A removed file stays mapped until the last reader's reference is gone.
class mapped_file {
public:
    static constexpr std::int64_t page_size = 4096;
    // The start of the page `position` is in, and of the first page at or
    // after it.
    static constexpr std::int64_t page_floor(std::int64_t position) noexcept {
        return position / page_size * page_size;
    }
    static constexpr std::int64_t page_ceil(std::int64_t position) noexcept {
        return page_floor(position + page_size - 1);
    }

    static result<std::shared_ptr<mapped_file>> create(const std::filesystem::path& dir, std::int64_t from_offset,
                                                       std::int64_t size);
    // Like create(), for a file named otherwise (index files are named by
    // their creation time) and not read front to back.
    static result<std::shared_ptr<mapped_file>> create_at(const std::filesystem::path& path,
                                                          std::int64_t from_offset, std::int64_t size);
    static result<std::shared_ptr<mapped_file>> open(const std::filesystem::path& path, std::int64_t from_offset,
                                                     std::int64_t size, bool extend_if_short = false);
    ~mapped_file();
    mapped_file(const mapped_file&) = delete;
    mapped_file& operator=(const mapped_file&) = delete;

    static std::string file_name(std::int64_t offset);
    // Removes `path` when it is a file create() or create_at() did not
    // finish (a crash while it was being made); true when it was one.
    // Loaders call it for each file they meet.
    static bool remove_if_unfinished(const std::filesystem::path& path);

    // Whether a fault may read ahead: never where the blocks are still
    // unwritten (see advise()), front to back in a file that is full.
    enum class readahead { none, sequential };
    void advise(readahead how) const;

    std::int64_t from_offset() const noexcept { return from_offset_; }
    std::int64_t size() const noexcept { return size_; }
    const std::filesystem::path& path() const noexcept { return path_; }
    int descriptor() const noexcept { return fd_; }

    std::byte* data() noexcept { return data_; }
    const std::byte* data() const noexcept { return data_; }
    bytes_view view(std::int64_t position, std::int64_t length) const noexcept {
        return {data_ + position, static_cast<std::size_t>(length)};
    }
    bytes_view readable() const noexcept { return view(0, wrote_position()); }

    std::int64_t wrote_position() const noexcept { return wrote_.load(std::memory_order_acquire); }
    void set_wrote_position(std::int64_t p) noexcept { wrote_.store(p, std::memory_order_release); }
    std::int64_t flushed_position() const noexcept { return flushed_.load(std::memory_order_acquire); }
    void set_flushed_position(std::int64_t p) noexcept { flushed_.store(p, std::memory_order_release); }
    bool is_full() const noexcept { return wrote_position() == size_; }

    // The end of the pages the page warmer has mapped writable ahead of the
    // writer (0: none). A store below it finds its page mapped, unless
    // write-back has cleaned the page since or the writer's own page was
    // written with pwrite: then one minor fault makes it writable again.
    std::int64_t mapped_writable_end() const noexcept { return writable_.load(std::memory_order_acquire); }
    void set_mapped_writable_end(std::int64_t p) noexcept { writable_.store(p, std::memory_order_release); }

    // Makes [flushed, wrote) durable when at least `least_pages` pages are
    // dirty (0 = whatever is dirty). Returns the flushed position. msync
    // with MS_SYNC syncs that range of the file (vfs_fsync_range), however
    // its pages were dirtied: by pwrite or through the mapping.
    result<std::int64_t> flush(int least_pages);

    // Drops [0, end) from the page cache and this process's mapping; a later
    // read faults it in from disk, with readahead. Only for written-back
    // bytes nobody writes again. Called by the flusher alone.
    void drop_cache_before(std::int64_t end);

    // Zeroes [position, size) so stale bytes never look like records, and
    // moves both positions there.
    void truncate(std::int64_t position);

    // The last time the file was written to, in ms since the epoch;
    // retention keys off it. A sealed segment's time is its last append.
    std::int64_t last_modified_ms() const;
    void set_last_modified_ms(std::int64_t epoch_ms) const;

    // Unlinks the file now; the mapping is released with the last reference.
    std::error_code remove();

private:
    mapped_file(std::filesystem::path path, int fd, std::byte* data, std::int64_t from_offset, std::int64_t size);

    std::filesystem::path path_;
    int fd_;
    std::byte* data_;
    std::int64_t from_offset_;
    std::int64_t size_;
    std::atomic<std::int64_t> wrote_{0};
    std::atomic<std::int64_t> flushed_{0};
    std::atomic<std::int64_t> writable_{0}; // the warmer's
    std::int64_t cache_dropped_ = 0; // the flusher's
};

using mapped_file_ptr = std::shared_ptr<mapped_file>;

} // namespace gantry::store
