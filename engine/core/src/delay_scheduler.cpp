#include "gantry/core/delay_scheduler.hpp"

#include <pthread.h>

#include <algorithm>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>

#include "core_log.hpp"
#include "delay_offsets.hpp"
#include "delay_properties.hpp"
#include "gantry/store/message_properties.hpp"
#include "gantry/store/store_error.hpp"

namespace gantry::core {

namespace {

namespace property = store::property;

// Without a table of its own the scheduler takes the store's, which is the
// one that fixed the delivery times.
delay_scheduler::options with_store_levels(delay_scheduler::options opts, const store::store_config& config) {
    if (opts.delay_levels.empty()) opts.delay_levels = config.delay_levels;
    return opts;
}

} // namespace

delay_scheduler::delay_scheduler(store::message_store& store, options opts)
    : store_(store), opts_(with_store_levels(std::move(opts), store.config())) {
    if (opts_.delay_levels.empty()) throw std::invalid_argument("messageDelayLevel must name at least one level");
}

delay_scheduler::~delay_scheduler() { stop(); }

int delay_scheduler::clamp_level(int level) const noexcept { return std::clamp(level, 1, level_count()); }

int delay_scheduler::level_for(std::int64_t delay_ms) const noexcept {
    const auto delay_of = [&](int level) { return opts_.delay_levels[static_cast<std::size_t>(level - 1)].count(); };
    int longest_within = 0;
    int shortest = 1;
    for (int level = 1; level <= level_count(); ++level) {
        if (delay_of(level) < delay_of(shortest)) shortest = level;
        if (delay_of(level) <= delay_ms && (longest_within == 0 || delay_of(level) > delay_of(longest_within)))
            longest_within = level;
    }
    return longest_within != 0 ? longest_within : shortest;
}

std::error_code delay_scheduler::start() {
    if (thread_.joinable()) return {};
    auto found = load_delay_offsets(opts_.offset_file);
    if (!found) return found.error();
    auto loaded = found->value_or(delay_offset_table{});

    for (const auto& [level, offset] : loaded)
        if (level > level_count())
            core_log()->warn("{} holds offset {} for delay level {}, but messageDelayLevel has only {} levels; "
                             "messages of that level wait until the level is configured again",
                             opts_.offset_file.string(), offset, level, level_count());
    for (int level = 1; level <= level_count(); ++level) loaded.try_emplace(level, 0);

    {
        std::lock_guard lock(mutex_);
        offsets_ = std::move(loaded);
        stopping_ = false;
        arrived_ = true; // entries that fell due while stopped go out at once
        dirty_ = false;
    }
    refused_.assign(static_cast<std::size_t>(level_count()), false);
    last_persist_ = clock::now();
    thread_ = std::thread([this] { run(); });
    ::pthread_setname_np(thread_.native_handle(), "gantry-delay");
    core_log()->info("delay scheduler started: {} levels, offsets from {}", level_count(),
                     found->has_value() ? opts_.offset_file.string() : std::string("scratch (no delayOffset.json yet)"));
    return {};
}

void delay_scheduler::stop() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    persist();
}

result<store::append_result> delay_scheduler::schedule(const store::message_to_store& msg, int level) {
    // REAL_TOPIC is not checked by the store, and a delivery that fails
    // later cannot be reported to the sender.
    if (msg.topic.size() > store::max_topic_length) return store::store_errc::topic_too_long;
    level = clamp_level(level);
    auto properties = properties_without(msg.properties, property::delay_level, property::real_topic, property::real_queue_id);
    store::append_property(properties, property::real_topic, msg.topic);
    store::append_property(properties, property::real_queue_id, std::to_string(msg.queue_id));
    store::append_property(properties, property::delay_level, std::to_string(level));

    auto scheduled = msg;
    scheduled.topic = store::schedule_topic;
    scheduled.queue_id = level - 1;
    scheduled.properties = properties;
    return store_.put(scheduled);
}

void delay_scheduler::on_arrival(std::string_view topic, std::int32_t, std::int64_t) {
    if (topic != store::schedule_topic) return;
    {
        std::lock_guard lock(mutex_);
        arrived_ = true;
    }
    wake_.notify_one();
}

std::int64_t delay_scheduler::offset(int level) const {
    std::lock_guard lock(mutex_);
    const auto it = offsets_.find(level);
    return it == offsets_.end() ? 0 : it->second;
}

void delay_scheduler::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        arrived_ = false;
        lock.unlock();

        auto wake_at = clock::now() + opts_.max_sleep;
        for (int level = 1; level <= level_count(); ++level) {
            const auto pass = deliver_level(level);
            if (pass.blocked) wake_at = std::min(wake_at, clock::now() + opts_.retry_after);
            if (pass.next_due) wake_at = std::min(wake_at, *pass.next_due);
        }
        if (clock::now() - last_persist_ >= opts_.persist_interval) {
            bool dirty = false;
            {
                std::lock_guard guard(mutex_);
                dirty = dirty_;
            }
            if (dirty) persist();
        }

        lock.lock();
        // A steady-clock wait, so a wall-clock jump cannot stretch the sleep
        // past max_sleep.
        const auto sleep = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(wake_at - clock::now()),
                                      std::chrono::milliseconds(0), opts_.max_sleep);
        wake_.wait_for(lock, sleep, [this] { return stopping_ || arrived_; });
    }
}

void delay_scheduler::set_offset(int level, std::int64_t offset) {
    std::lock_guard lock(mutex_);
    offsets_[level] = offset;
    dirty_ = true;
}

std::error_code delay_scheduler::persist() {
    delay_offset_table offsets;
    {
        std::lock_guard lock(mutex_);
        offsets = offsets_;
        dirty_ = false;
    }
    last_persist_ = clock::now();
    auto ec = wait_durable(delivered_end_);
    if (!ec) ec = save_delay_offsets(opts_.offset_file, offsets);
    if (ec) {
        std::lock_guard lock(mutex_);
        dirty_ = true;
        core_log()->error("cannot record the delay offsets in {}: {}; messages delivered since the last write will "
                          "be delivered again after a restart. Check free space and permissions there",
                          opts_.offset_file.string(), ec.message());
    }
    return ec;
}

// Offsets on disk must not claim a delivery the commit log could still lose
// in a crash (SYNC_FLUSH); under ASYNC_FLUSH the store answers at once.
std::error_code delay_scheduler::wait_durable(std::int64_t end_offset) {
    if (end_offset == 0) return {};
    auto done = std::make_shared<std::promise<std::error_code>>();
    auto outcome = done->get_future();
    store_.when_durable(end_offset, [done](std::error_code ec) { done->set_value(ec); });
    // The store answers within syncFlushTimeout; the margin covers a busy flush thread.
    if (outcome.wait_for(store_.config().sync_flush_timeout + std::chrono::seconds(1)) != std::future_status::ready)
        return store::store_errc::flush_timeout;
    return outcome.get();
}

} // namespace gantry::core
