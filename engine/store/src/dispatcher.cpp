#include "gantry/store/dispatcher.hpp"

#include <pthread.h>

#include <algorithm>
#include <charconv>
#include <thread>

#include "gantry/store/commit_log.hpp"
#include "gantry/store/consume_queue_store.hpp"
#include "gantry/store/index_builder.hpp"
#include "gantry/store/java_hash.hpp"
#include "gantry/store/message_properties.hpp"
#include "store_log.hpp"

namespace gantry::store {

struct queued_properties {
    std::string_view tags;
    std::string_view delay_level;
};

namespace {

queued_properties scan_properties(std::string_view properties) {
    queued_properties found;
    for_each_property(properties, [&](std::string_view name, std::string_view value) {
        if (name == property::tags) found.tags = value;
        else if (name == property::delay_level) found.delay_level = value;
    });
    return found;
}

} // namespace

// The consume-queue tag code: the tag's hash, except in the schedule topic,
// where it is the delivery time so the scheduler reads it from the queue
// without touching the record (specs §5.3, §6.1).
std::int64_t dispatcher::tag_code(const decoded_record& record, const queued_properties& props) const {
    if (record.topic == schedule_topic) {
        int level = 0;
        std::from_chars(props.delay_level.data(), props.delay_level.data() + props.delay_level.size(), level);
        const auto& levels = log_.config().delay_levels;
        level = std::clamp(level, 1, static_cast<int>(levels.size()));
        return record.store_timestamp + levels[static_cast<std::size_t>(level - 1)].count();
    }
    return props.tags.empty() ? 0 : java_string_hash(props.tags);
}

namespace {

// requests_ while no append may dispatch: before start() and after stop().
constexpr std::uint32_t dispatch_closed = 1u << 31;

// Rounds an appending thread dispatches for others before the dispatcher's
// thread takes over: enough to cover a burst, few enough that a thread
// serving connections does not stay away from them for long.
constexpr int passes_before_hand_off = 8;

} // namespace

dispatcher::dispatcher(commit_log& log, consume_queue_store& queues, index_builder* index)
    : log_(log), queues_(queues), index_(index), requests_(dispatch_closed) {}

dispatcher::~dispatcher() { stop(); }

std::int64_t dispatcher::catch_up(std::int64_t from, bool verify_crc) {
    dispatched_.store(from, std::memory_order_release);
    dispatch_available(verify_crc);
    return dispatched_offset();
}

void dispatcher::start() {
    {
        std::lock_guard lock(removals_mutex_);
        running_ = true;
    }
    {
        std::lock_guard lock(thread_mutex_);
        thread_takes_over_ = true;
    }
    requests_.store(0, std::memory_order_release);
    thread_ = std::thread([this] { run(); });
    ::pthread_setname_np(thread_.native_handle(), "gantry-dispatch");
}

void dispatcher::stop() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(thread_mutex_);
        thread_takes_over_ = false;
    }
    thread_wake_.notify_all();
    thread_.join();
    // An appending thread may still be dispatching (it no longer hands off):
    // wait for it, and let none start after it.
    for (std::uint32_t idle = 0; !requests_.compare_exchange_weak(idle, dispatch_closed); idle = 0)
        std::this_thread::yield();
    {
        std::lock_guard lock(removals_mutex_);
        running_ = false;
    }
    // Nothing dispatches any more: what was asked for is done now.
    run_removals(0, true);
}

void dispatcher::dispatch_pending() {
    if (requests_.fetch_add(1, std::memory_order_acq_rel) != 0) return;
    dispatch_requests(passes_before_hand_off);
}

// Whoever raised requests_ from 0 dispatches until it is 0 again; a request
// made meanwhile keeps it above what this thread has seen, so it looks again.
void dispatcher::dispatch_requests(int passes) {
    for (int pass = 1;; ++pass) {
        const std::uint32_t seen = requests_.load(std::memory_order_acquire);
        dispatch_available(false);
        if (requests_.fetch_sub(seen, std::memory_order_acq_rel) == seen) return;
        if (pass == passes && hand_off()) return;
    }
}

bool dispatcher::hand_off() {
    {
        std::lock_guard lock(thread_mutex_);
        if (!thread_takes_over_) return false;
        handed_off_ = true;
    }
    thread_wake_.notify_one();
    return true;
}

void dispatcher::run() {
    std::unique_lock lock(thread_mutex_);
    for (;;) {
        thread_wake_.wait(lock, [this] { return handed_off_ || !thread_takes_over_; });
        if (!handed_off_) return;
        handed_off_ = false;
        lock.unlock();
        dispatch_requests(0);
        lock.lock();
    }
}

bool dispatcher::remove_topic(std::string topic, std::int64_t boundary, std::chrono::milliseconds limit) {
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    bool run_here = false;
    {
        std::lock_guard lock(removals_mutex_);
        removals_.push_back({std::move(topic), boundary, done});
        removals_pending_.store(true, std::memory_order_release);
        run_here = !running_;
    }
    // Without the thread nothing is being dispatched: no boundary to wait for.
    if (run_here) run_removals(0, true);
    else dispatch_pending();
    return finished.wait_for(limit) == std::future_status::ready;
}

void dispatcher::run_removals(std::int64_t position, bool all) {
    std::vector<removal> due;
    {
        std::lock_guard lock(removals_mutex_);
        std::erase_if(removals_, [&](removal& r) {
            if (!all && r.boundary > position) return false;
            due.push_back(std::move(r));
            return true;
        });
        removals_pending_.store(!removals_.empty(), std::memory_order_release);
    }
    for (auto& r : due) {
        std::erase_if(queue_cache_, [&](const auto& entry) { return entry.first.topic == r.topic; });
        const auto queues = queues_.remove_topic(r.topic);
        store_log()->info("removed the {} consume queue(s) of deleted topic {} at commit-log offset {}", queues,
                          r.topic, r.boundary);
        r.done->set_value();
    }
}

result<consume_queue*> dispatcher::queue_for(std::string_view topic, std::int32_t queue_id) {
    if (auto it = queue_cache_.find(topic_queue_ref{topic, queue_id}); it != queue_cache_.end()) return it->second.get();
    auto cq = queues_.find_or_create(topic, queue_id);
    if (!cq) return cq.error();
    return queue_cache_.emplace(topic_queue_key{std::string(topic), queue_id}, std::move(*cq)).first->second.get();
}

namespace {

// Arrivals told once per run of records of one queue, not once per record:
// a batch appended together wakes its readers once. Told at the latest when
// the dispatching pass ends.
class arrival_run {
public:
    explicit arrival_run(const dispatcher::listener& listener) : listener_(listener) {}
    ~arrival_run() { tell(); }
    arrival_run(const arrival_run&) = delete;
    arrival_run& operator=(const arrival_run&) = delete;

    void add(std::string_view topic, std::int32_t queue_id, std::int64_t end) {
        if (queue_id != queue_id_ || topic != topic_) {
            tell();
            topic_ = std::string(topic);
            queue_id_ = queue_id;
        }
        end_ = end;
    }

    void tell() {
        if (queue_id_ >= 0 && listener_) listener_(topic_, queue_id_, end_);
        queue_id_ = -1;
    }

private:
    const dispatcher::listener& listener_;
    std::string topic_;
    std::int32_t queue_id_ = -1;
    std::int64_t end_ = 0;
};

// Tells the index builder how far dispatch got when the pass ends, however
// it ends.
class told_index {
public:
    told_index(index_builder* index, const std::atomic<std::int64_t>& dispatched)
        : index_(index), dispatched_(dispatched) {}
    ~told_index() {
        if (index_) index_->dispatched(dispatched_.load(std::memory_order_relaxed));
    }
    told_index(const told_index&) = delete;
    told_index& operator=(const told_index&) = delete;

private:
    index_builder* index_;
    const std::atomic<std::int64_t>& dispatched_;
};

} // namespace

void dispatcher::dispatch_available(bool verify_crc) {
    // Declared first so that it tells last: readers are woken before the index hears.
    const told_index tell_index{index_, dispatched_};
    arrival_run arrivals(listener_);
    std::int64_t offset = dispatched_offset();
    for (;;) {
        auto file = log_.files().find(offset);
        if (!file) {
            if (removals_pending_.load(std::memory_order_acquire)) run_removals(offset);
            return;
        }
        std::int64_t position = offset - file->from_offset();
        const std::int64_t wrote = file->wrote_position();
        while (position < wrote) {
            if (removals_pending_.load(std::memory_order_acquire)) run_removals(file->from_offset() + position);
            const auto bytes = file->view(position, wrote - position);
            if (bytes.size() >= blank_record_size && load_be<std::int32_t>(bytes.data() + 4) == blank_magic) {
                position = file->size();
                break;
            }
            const auto record = decode_record(bytes);
            if (!record) {
                store_log()->error("unreadable record at commit-log offset {}; dispatch halted there",
                              file->from_offset() + position);
                return;
            }
            if (verify_crc && !body_crc_matches(*record)) {
                store_log()->error("record at commit-log offset {} (topic {}) fails its body CRC; dropped",
                              file->from_offset() + position, record->topic);
            } else {
                const auto props = scan_properties(record->properties);
                const std::int64_t physical = file->from_offset() + position;
                const bool to_queue = takes_queue_offset(record->sys_flag);
                if (to_queue) {
                    auto cq = queue_for(record->topic, record->queue_id);
                    if (!cq) {
                        store_log()->error("cannot open consume queue {}/{}: {}; dispatch halted",
                                      record->topic, record->queue_id, cq.error().message());
                        return;
                    }
                    const cq_entry entry{physical, record->total_size, tag_code(*record, props)};
                    if (auto ec = (*cq)->put(record->queue_offset, entry)) {
                        store_log()->error("cannot write consume queue {}/{}: {}; dispatch halted",
                                      record->topic, record->queue_id, ec.message());
                        return;
                    }
                }
                last_timestamp_.store(record->store_timestamp, std::memory_order_release);
                if (to_queue)
                    arrivals.add(record->topic, record->queue_id, record->queue_offset + 1);
            }
            position += record->total_size;
            dispatched_.store(file->from_offset() + position, std::memory_order_release);
        }
        offset = file->from_offset() + position;
        dispatched_.store(offset, std::memory_order_release);
        if (position < file->size()) {
            if (removals_pending_.load(std::memory_order_acquire)) run_removals(offset);
            return;
        }
    }
}

} // namespace gantry::store
