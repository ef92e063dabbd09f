#include "gantry/store/index_builder.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include "gantry/store/commit_log.hpp"
#include "gantry/store/index_service.hpp"
#include "gantry/store/message_properties.hpp"
#include "store_log.hpp"

namespace gantry::store {

namespace {

constexpr int index_thread_nice = 10;

index_request request_for(const decoded_record& record, std::int64_t physical_offset) {
    index_request request{record.topic, {}, {}, physical_offset, record.store_timestamp, record.sys_flag};
    for_each_property(record.properties, [&](std::string_view name, std::string_view value) {
        if (name == property::keys) request.keys = value;
        else if (name == property::unique_key) request.unique_key = value;
    });
    return request;
}

} // namespace

index_builder::index_builder(const commit_log& log, index_service& index, pacing p)
    : log_(log), index_(index), pacing_(p) {}

index_builder::~index_builder() { stop(); }

void index_builder::catch_up(std::int64_t from, std::int64_t to, bool verify_crc) {
    indexed_.store(from, std::memory_order_release);
    dispatched_.store(to, std::memory_order_release);
    index_up_to(to, verify_crc);
}

void index_builder::start() {
    {
        std::lock_guard lock(mutex_);
        running_ = true;
    }
    thread_ = std::thread([this] { run(); });
    ::pthread_setname_np(thread_.native_handle(), "gantry-index");
}

void index_builder::stop() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        running_ = false;
    }
    wake_.notify_one();
    thread_.join();
}

void index_builder::dispatched(std::int64_t end) noexcept {
    dispatched_.store(end, std::memory_order_release);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (!parked_.load(std::memory_order_relaxed)) return;
    {
        std::lock_guard lock(mutex_);
        parked_.store(false, std::memory_order_relaxed);
    }
    wake_.notify_one();
}

bool index_builder::wait_indexed(std::chrono::milliseconds limit) {
    const std::int64_t target = dispatched_.load(std::memory_order_acquire);
    if (indexed_offset() >= target) return true;
    std::unique_lock lock(mutex_);
    if (!running_) return false;
    ++waiters_;
    asked_ = true;
    parked_.store(false, std::memory_order_relaxed);
    wake_.notify_one();
    const bool done = progress_.wait_for(lock, limit, [&] { return indexed_offset() >= target; });
    --waiters_;
    return done;
}

void index_builder::run() {
    // Below the threads serving connections: a round that wakes on the CPU
    // of an io thread with work must not preempt it (a round with page
    // faults takes 100 µs), and the index may fall behind under full load.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), index_thread_nice);
    int idle_rounds = 0;
    std::unique_lock lock(mutex_);
    while (running_) {
        asked_ = false;
        lock.unlock();
        const bool found = index_up_to(dispatched_.load(std::memory_order_acquire), false);
        lock.lock();
        if (waiters_ > 0) progress_.notify_all();
        if (found) {
            idle_rounds = 0;
        } else if (++idle_rounds >= pacing_.idle_rounds_to_park && !asked_) {
            parked_.store(true, std::memory_order_relaxed);
            // Pairs with the fence in dispatched(): either this sees the
            // dispatcher's newer end, or the dispatcher sees parked_.
            std::atomic_thread_fence(std::memory_order_seq_cst);
            if (dispatched_.load(std::memory_order_relaxed) <= indexed_offset()) {
                wake_.wait(lock, [this] { return !running_ || !parked_.load(std::memory_order_relaxed); });
                idle_rounds = 0;
                continue;
            }
            // More came meanwhile: taken after the nap, like any round's.
            parked_.store(false, std::memory_order_relaxed);
        }
        wake_.wait_for(lock, pacing_.interval, [this] { return !running_ || asked_; });
    }
    lock.unlock();
    index_up_to(dispatched_.load(std::memory_order_acquire), false);
    lock.lock();
    progress_.notify_all();
}

bool index_builder::index_up_to(std::int64_t end, bool verify_crc) {
    std::int64_t offset = indexed_offset();
    const std::int64_t from = offset;
    while (offset < end) {
        const auto ref = log_.read_next(offset);
        if (!ref || offset >= end) break;
        const auto record = decode_record(ref->bytes);
        if (!record) break; // the dispatcher halted here too, and said so
        if (!verify_crc || body_crc_matches(*record)) {
            if (auto ec = index_.build(request_for(*record, offset)))
                store_log()->warn("record at commit-log offset {} not indexed: {}", offset, ec.message());
            last_timestamp_.store(record->store_timestamp, std::memory_order_release);
        }
        offset += record->total_size;
    }
    indexed_.store(offset, std::memory_order_release);
    return offset != from;
}

} // namespace gantry::store
