#include "gantry/store/mapped_file.hpp"

#include "gantry/store/store_error.hpp"
#include "store_log.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/falloc.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdio>

namespace gantry::store {

namespace {

constexpr std::string_view unfinished_suffix = ".creating";

std::error_code last_error() { return {errno, std::system_category()}; }

result<std::byte*> map(int fd, std::int64_t size) {
    void* p = ::mmap(nullptr, static_cast<std::size_t>(size), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return last_error();
    return static_cast<std::byte*>(p);
}

} // namespace

std::string mapped_file::file_name(std::int64_t offset) {
    char name[32];
    std::snprintf(name, sizeof name, "%020lld", static_cast<long long>(offset));
    return name;
}

mapped_file::mapped_file(std::filesystem::path path, int fd, std::byte* data, std::int64_t from_offset,
                         std::int64_t size)
    : path_(std::move(path)), fd_(fd), data_(data), from_offset_(from_offset), size_(size) {}

mapped_file::~mapped_file() {
    ::munmap(data_, static_cast<std::size_t>(size_));
    ::close(fd_);
}

result<std::shared_ptr<mapped_file>> mapped_file::create(const std::filesystem::path& dir, std::int64_t from_offset,
                                                         std::int64_t size) {
    return create_at(dir / file_name(from_offset), from_offset, size);
}

// Where a file holds unwritten (fallocated) blocks, a fault with readahead
// on "reads" a window of them, which is zeroing up to twice read_ahead_kb of
// memory in that one fault (16 MiB, 20-40 ms on the development VM) in
// whichever thread reads near the written end. Without readahead a fault
// zeroes one page.
void mapped_file::advise(readahead how) const {
    ::madvise(data_, static_cast<std::size_t>(size_), how == readahead::none ? MADV_RANDOM : MADV_SEQUENTIAL);
}

bool mapped_file::remove_if_unfinished(const std::filesystem::path& path) {
    if (path.extension() != unfinished_suffix) return false;
    std::error_code ec;
    std::filesystem::remove(path, ec);
    store_log()->warn("removed {}, a file whose making a crash interrupted{}", path.string(),
                      ec ? fmt::format(" (could not: {}; delete it by hand)", ec.message()) : std::string{});
    return true;
}

result<std::shared_ptr<mapped_file>> mapped_file::create_at(const std::filesystem::path& path,
                                                            std::int64_t from_offset, std::int64_t size) {
    // Made full size under another name and then renamed: a crash halfway
    // leaves a file the loaders remove, never a short one under the real
    // name that would stop the next start.
    auto unfinished = path;
    unfinished += unfinished_suffix;
    const int fd = ::open(unfinished.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return last_error();
    auto fail = [&](std::error_code ec) -> result<std::shared_ptr<mapped_file>> {
        ::close(fd);
        ::unlink(unfinished.c_str());
        return ec;
    };
    // Reserve the blocks now: an append must never meet ENOSPC halfway
    // through a record in a mapped page (that would be SIGBUS).
    if (int rc = ::posix_fallocate(fd, 0, size); rc != 0) return fail(std::error_code(rc, std::system_category()));
    if (::renameat2(AT_FDCWD, unfinished.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0)
        return fail(last_error());
    auto data = map(fd, size);
    if (!data) {
        ::close(fd);
        ::unlink(path.c_str());
        return data.error();
    }
    return std::shared_ptr<mapped_file>(new mapped_file(path, fd, *data, from_offset, size));
}

result<std::shared_ptr<mapped_file>> mapped_file::open(const std::filesystem::path& path, std::int64_t from_offset,
                                                       std::int64_t size, bool extend_if_short) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return last_error();
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        return last_error();
    }
    // A segment cut short (a crash while it was created, a copy gone wrong)
    // is extended with zeros; recovery then finds where its data ends.
    if (st.st_size < size && extend_if_short && ::posix_fallocate(fd, 0, size) == 0) st.st_size = size;
    if (st.st_size != size) {
        ::close(fd);
        return make_error_code(store_errc::corrupt_file);
    }
    auto data = map(fd, size);
    if (!data) {
        ::close(fd);
        return data.error();
    }
    return std::shared_ptr<mapped_file>(new mapped_file(path, fd, *data, from_offset, size));
}

result<std::int64_t> mapped_file::flush(int least_pages) {
    const std::int64_t wrote = wrote_position();
    const std::int64_t flushed = flushed_position();
    if (wrote <= flushed) return flushed;
    if (least_pages > 0 && wrote < size_ && wrote / page_size - flushed / page_size < least_pages) return flushed;
    const std::int64_t begin = flushed / page_size * page_size;
    if (::msync(data_ + begin, static_cast<std::size_t>(wrote - begin), MS_SYNC) != 0) return last_error();
    set_flushed_position(wrote);
    return wrote;
}

void mapped_file::drop_cache_before(std::int64_t end) {
    end = std::min(end, size_) / page_size * page_size;
    if (end <= cache_dropped_) return;
    const auto length = static_cast<std::size_t>(end - cache_dropped_);
    // The page cache keeps pages some process maps, so unmap them first.
    ::madvise(data_ + cache_dropped_, length, MADV_DONTNEED);
    ::posix_fadvise(fd_, cache_dropped_, static_cast<off_t>(length), POSIX_FADV_DONTNEED);
    // Whoever reads the range again reads it front to back; readahead here
    // cannot reach unwritten blocks, which lie beyond the flushed offset.
    ::madvise(data_, static_cast<std::size_t>(end), MADV_SEQUENTIAL);
    cache_dropped_ = end;
}

void mapped_file::truncate(std::int64_t position) {
    // Zero the partial page by hand and let the file system zero the rest
    // (cheap even for a 1 GiB segment); memset only where it cannot.
    const std::int64_t page_end = std::min(size_, page_ceil(position));
    std::memset(data_ + position, 0, static_cast<std::size_t>(page_end - position));
    if (page_end < size_ && ::fallocate(fd_, FALLOC_FL_ZERO_RANGE, page_end, size_ - page_end) != 0)
        std::memset(data_ + page_end, 0, static_cast<std::size_t>(size_ - page_end));
    set_wrote_position(position);
    set_flushed_position(position);
}

std::int64_t mapped_file::last_modified_ms() const {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return 0;
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
}

void mapped_file::set_last_modified_ms(std::int64_t epoch_ms) const {
    timespec times[2];
    times[0].tv_sec = epoch_ms / 1000;
    times[0].tv_nsec = (epoch_ms % 1000) * 1'000'000;
    times[1] = times[0];
    ::futimens(fd_, times);
}

std::error_code mapped_file::remove() {
    if (::unlink(path_.c_str()) != 0) return last_error();
    return {};
}

} // namespace gantry::store
