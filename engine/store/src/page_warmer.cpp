#include "gantry/store/page_warmer.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <system_error>

#include "store_log.hpp"

namespace gantry::store {

namespace {

// Pages are read ahead one a call. The kernels this runs on are often built
// without preemption (preempt=none): a thread woken on this CPU waits for
// the call under way, however idle this thread's priority, and a page of
// fresh memory can cost a VM ~8 us. 16 pages a call took 25 us in the mean
// and up to 160 us, in the path of the io thread's wake-up.
constexpr std::int64_t readahead_bytes = mapped_file::page_size;

// Pages are mapped, and the writable end moved, after each readahead of this
// many, so that the writer can store into the first of a window before the
// rest is done.
constexpr std::int64_t chunk_bytes = 16 * mapped_file::page_size;

} // namespace

page_warmer::~page_warmer() { stop(); }

void page_warmer::start() {
    {
        std::lock_guard lock(mutex_);
        running_ = true;
    }
    thread_ = std::thread([this] { run(); });
    ::pthread_setname_np(thread_.native_handle(), "gantry-warm");
}

void page_warmer::stop() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        running_ = false;
        queued_.clear();
    }
    wake_.notify_one();
    thread_.join();
}

void page_warmer::warm(mapped_file_ptr file, std::int64_t from, std::int64_t to) {
    if (failed_.load(std::memory_order_relaxed)) return;
    {
        std::lock_guard lock(mutex_);
        if (!running_ || queued_.size() >= max_queued) return;
        queued_.push_back({std::move(file), from, to});
    }
    wake_.notify_one();
}

void page_warmer::run() {
    // SCHED_IDLE: runs only on a CPU nobody else wants, and never preempts.
    sched_param param{};
    if (::pthread_setschedparam(::pthread_self(), SCHED_IDLE, &param) != 0)
        store_log()->warn("the page warmer runs at normal priority: SCHED_IDLE was refused");
    std::unique_lock lock(mutex_);
    while (running_) {
        if (queued_.empty()) {
            wake_.wait(lock);
            continue;
        }
        const range next = std::move(queued_.front());
        queued_.pop_front();
        lock.unlock();
        warm_now(next);
        done_.fetch_add(1, std::memory_order_release);
        lock.lock();
    }
}

// Readahead of a fallocated range adds zeroed pages to the page cache without
// any disk I/O and without a journal handle; touching them then maps them
// into the process writable, so that neither the writer nor a reader through
// the mapping faults. Each touch is one fault under the mapping's own lock:
// unlike MADV_POPULATE_*, which holds the address space's lock over its whole
// loop, a touch preempted on this idle thread stalls nothing but another
// fault on the same page.
void page_warmer::warm_now(const range& r) {
    const std::int64_t from = mapped_file::page_floor(std::max(r.from, r.file->wrote_position()));
    const std::int64_t to = std::min(r.to, r.file->size());
    for (std::int64_t chunk = from; chunk < to && running_.load(std::memory_order_relaxed); chunk += chunk_bytes) {
        const std::int64_t chunk_end = std::min(chunk + chunk_bytes, to);
        for (std::int64_t at = chunk; at < chunk_end; at += readahead_bytes) {
            const std::int64_t length = std::min(readahead_bytes, chunk_end - at);
            if (int rc = ::posix_fadvise(r.file->descriptor(), at, length, POSIX_FADV_WILLNEED); rc != 0) {
                failed_.store(true, std::memory_order_relaxed);
                store_log()->warn("pages are no longer warmed ahead of appends: readahead of {} failed ({}); appends "
                                  "go on, each first write to a page a little slower",
                                  r.file->path().string(), std::error_code(rc, std::system_category()).message());
                return;
            }
        }
        map_writable(*r.file, chunk, chunk_end);
    }
}

void page_warmer::map_writable(mapped_file& file, std::int64_t from, std::int64_t to) {
    std::byte* data = file.data();
    // Only pages the writer has not reached, and a compare-and-swap of a zero
    // word with zero: it writes nothing but the zero already there, so the
    // writer's entries are never overwritten should it overtake this thread,
    // and on x86 a locked cmpxchg is a write to the MMU even when it fails
    // (elsewhere a failed one means the writer got there: the page is mapped).
    const std::int64_t unwritten = mapped_file::page_ceil(file.wrote_position());
    for (std::int64_t page = std::max(from, unwritten); page < to; page += mapped_file::page_size) {
        std::uint64_t zero = 0;
        std::atomic_ref(*reinterpret_cast<std::uint64_t*>(data + page)).compare_exchange_strong(zero, 0);
    }
    file.set_mapped_writable_end(to);
}

void warm_ahead::wrote(const mapped_file_ptr& file, std::int64_t position) {
    if (warmer_ == nullptr) return;
    if (file->from_offset() != file_from_) {
        file_from_ = file->from_offset();
        warmed_to_ = position;
    }
    if (warmed_to_ - position > window_ / 2 || warmed_to_ >= file->size()) return;
    const std::int64_t to = std::min(file->size(), position + window_);
    warmer_->warm(file, warmed_to_, to);
    warmed_to_ = to;
}

} // namespace gantry::store
