#include "gantry/store/page_warmer.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <system_error>

#include "store_log.hpp"

namespace gantry::store {

namespace {

// Readahead per call: how long stop() waits for the one under way at most.
constexpr std::int64_t step = 16 * mapped_file::page_size;

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
// any disk I/O, and touches neither the mapping nor the journal: the writer's
// pwrite then finds its page, and a reader's first fault maps it together
// with its cached neighbours (fault-around) instead of one page a fault.
void page_warmer::warm_now(const range& r) {
    const std::int64_t from = std::max(r.from, r.file->wrote_position()) / mapped_file::page_size * mapped_file::page_size;
    const std::int64_t to = std::min(r.to, r.file->size());
    for (std::int64_t at = from; at < to && running_.load(std::memory_order_relaxed); at += step) {
        if (int rc = ::posix_fadvise(r.file->descriptor(), at, std::min(step, to - at), POSIX_FADV_WILLNEED); rc != 0) {
            failed_.store(true, std::memory_order_relaxed);
            store_log()->warn("pages are no longer warmed ahead of appends: readahead of {} failed ({}); appends go "
                              "on, each first write to a page a little slower",
                              r.file->path().string(), std::error_code(rc, std::system_category()).message());
            return;
        }
    }
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
