#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "gantry/store/mapped_file.hpp"

namespace gantry::store {

// Brings the pages just past where a file is being written into the page
// cache and maps them writable, on a thread of its own at idle priority, so
// that the thread appending — a connection's io thread — neither allocates
// them nor faults on them, and can store into them through the mapping
// instead of a system call. On this kind of VM, whose host backs fresh guest
// memory lazily, a page met first by the commit log's pwrite and then by a
// reader's fault cost 14 us, on one message in 13 at 100 B a message; once
// cached, the fault alone still made one message in 100 about 20 us slower
// (docs/decisions/0015).
//
// The thread never preempts anyone: on a busy machine it falls behind and
// the writer allocates as it would without it. On a kernel without
// preemption a thread woken on its CPU still waits for its system call under
// way, so each call does one page.
class page_warmer {
public:
    page_warmer() = default;
    ~page_warmer();
    page_warmer(const page_warmer&) = delete;
    page_warmer& operator=(const page_warmer&) = delete;

    void start();
    // Drops what is still queued and joins.
    void stop();

    // Queues [from, to) of `file`; returns at once. Ignored before start(),
    // after stop(), and while too much is queued already. A range the file's
    // writer has passed by the time it comes up is skipped. Each part done
    // moves the file's mapped_writable_end().
    void warm(mapped_file_ptr file, std::int64_t from, std::int64_t to);

    // Ranges taken off the queue and warmed (or skipped), for tests.
    std::uint64_t ranges_done() const noexcept { return done_.load(std::memory_order_acquire); }

private:
    struct range {
        mapped_file_ptr file;
        std::int64_t from;
        std::int64_t to;
    };

    void run();
    void warm_now(const range& r);
    static void map_writable(mapped_file& file, std::int64_t from, std::int64_t to);

    static constexpr std::size_t max_queued = 1024;

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<range> queued_;         // mutex_
    std::atomic<bool> running_{false}; // written under mutex_, read between two readaheads without it
    std::atomic<bool> failed_{false}; // readahead failed once: warming is off
    std::atomic<std::uint64_t> done_{0};
    std::thread thread_;
};

// One writer's place in what the warmer has warmed for it: asks for the next
// window once the writer is within half a window of the warmed end. Lives
// with the writer and is used on its thread only.
class warm_ahead {
public:
    warm_ahead() = default; // warms nothing
    warm_ahead(page_warmer* warmer, std::int64_t window) noexcept
        : warmer_(window > 0 ? warmer : nullptr), window_(window) {}

    // The writer has written `file` up to `position`.
    void wrote(const mapped_file_ptr& file, std::int64_t position);

private:
    page_warmer* warmer_ = nullptr;
    std::int64_t window_ = 0;
    std::int64_t file_from_ = -1; // from_offset() of the file warmed_to_ belongs to
    std::int64_t warmed_to_ = 0;
};

} // namespace gantry::store
