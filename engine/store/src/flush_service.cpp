#include "gantry/store/flush_service.hpp"

#include <pthread.h>

#include "gantry/store/commit_log.hpp"
#include "gantry/store/store_checkpoint.hpp"
#include "gantry/store/store_error.hpp"
#include "store_log.hpp"

namespace gantry::store {

flush_service::flush_service(const store_config& config, commit_log& log, store_checkpoint& checkpoint)
    : config_(config),
      log_(log),
      checkpoint_(checkpoint),
      async_flusher_("gantry-flush", config.flush_interval, [this] { flush_periodically(); }) {}

flush_service::~flush_service() { stop(); }

void flush_service::start() {
    last_thorough_flush_ = std::chrono::steady_clock::now();
    if (config_.flush_type == flush_disk_type::async_flush) {
        async_flusher_.start();
        return;
    }
    {
        std::lock_guard lock(mutex_);
        stopping_ = false;
    }
    group_commit_thread_ = std::thread([this] { run_group_commit(); });
    ::pthread_setname_np(group_commit_thread_.native_handle(), "gantry-gcommit");
}

void flush_service::stop() {
    async_flusher_.stop();
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_.notify_all();
    if (group_commit_thread_.joinable()) group_commit_thread_.join();
    if (auto ec = flush_all()) store_log()->error("final commit-log flush failed: {}", ec.message());
}

std::error_code flush_service::flush(int least_pages) {
    auto flushed = log_.files().flush(least_pages);
    if (!flushed) return flushed.error();
    checkpoint_.set_physic(*flushed, log_.last_store_timestamp());
    return {};
}

std::error_code flush_service::flush_all() { return flush(0); }

void flush_service::drop_written_back_cache() {
    // One call per step keeps the system calls and the TLB flushes they
    // cause rare.
    constexpr std::int64_t step = 16LL * 1024 * 1024;
    if (config_.commit_log_page_cache_bytes <= 0) return;
    const std::int64_t before = log_.files().flushed_offset() - config_.commit_log_page_cache_bytes;
    if (before < cache_dropped_before_ + step) return;
    log_.files().drop_cache_before(before);
    cache_dropped_before_ = before;
}

void flush_service::flush_periodically() {
    const auto now = std::chrono::steady_clock::now();
    int least_pages = config_.flush_least_pages;
    if (now - last_thorough_flush_ >= config_.flush_thorough_interval) {
        least_pages = 0;
        last_thorough_flush_ = now;
    }
    if (auto ec = flush(least_pages))
        store_log()->error("commit-log flush failed: {}; check the disk under {}", ec.message(),
                      config_.commit_log_dir().string());
    drop_written_back_cache();
}

bool flush_service::durable_at_once(std::int64_t end_offset) const {
    return config_.flush_type == flush_disk_type::async_flush || log_.files().flushed_offset() >= end_offset;
}

void flush_service::when_durable(std::int64_t end_offset, durable_callback done) {
    if (durable_at_once(end_offset)) {
        done({});
        return;
    }
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            waiters_.push_back({end_offset, std::chrono::steady_clock::now() + config_.sync_flush_timeout,
                                std::move(done)});
            work_.notify_one();
            return;
        }
    }
    // An append that raced with shutdown: no group commit runs any more.
    done(flush_all());
}

void flush_service::run_group_commit() {
    std::vector<waiter> batch;
    std::vector<waiter> pending;
    for (;;) {
        bool last_round = false;
        {
            std::unique_lock lock(mutex_);
            work_.wait(lock, [this] { return stopping_ || !waiters_.empty(); });
            if (waiters_.empty() && stopping_) return;
            batch.swap(waiters_);
            last_round = stopping_;
        }
        // One flush covers every append written so far, including ones that
        // arrive after the swap: they find the flushed offset past them.
        std::error_code ec = flush(0);
        if (ec) ec = flush(0); // a second try, as RocketMQ's group commit does
        if (ec)
            store_log()->error("sync flush failed: {}; producers will see flush timeouts; check the disk under {}",
                          ec.message(), config_.commit_log_dir().string());
        const std::int64_t flushed = log_.files().flushed_offset();
        const auto now = std::chrono::steady_clock::now();
        for (auto& w : batch) {
            if (w.end_offset <= flushed) w.done({});
            else if (now >= w.deadline || last_round) w.done(store_errc::flush_timeout);
            else pending.push_back(std::move(w));
        }
        batch.clear();
        drop_written_back_cache(); // after the waiters: they need not wait for it
        if (ec) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (!pending.empty()) {
            std::lock_guard lock(mutex_);
            waiters_.insert(waiters_.end(), std::make_move_iterator(pending.begin()),
                            std::make_move_iterator(pending.end()));
            pending.clear();
        }
    }
}

} // namespace gantry::store
