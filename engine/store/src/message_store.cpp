#include "gantry/store/message_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>

#include "gantry/store/commit_log_recovery.hpp"
#include "gantry/store/consume_queue_store.hpp"
#include "gantry/store/dispatcher.hpp"
#include "gantry/store/index_builder.hpp"
#include "gantry/store/index_service.hpp"
#include "gantry/store/message_properties.hpp"
#include "gantry/store/periodic_thread.hpp"
#include "gantry/store/retention_service.hpp"
#include "gantry/store/store_checkpoint.hpp"
#include "gantry/store/store_error.hpp"
#include "store_log.hpp"

namespace gantry::store {

namespace {

std::error_code last_error() { return {errno, std::system_category()}; }

// How long a query by key waits for the index to reach the records appended
// before it: a few rounds of the builder, far more than it takes unless the
// host is overloaded.
constexpr std::chrono::milliseconds index_wait_limit{200};

bool key_matches(const decoded_record& record, std::string_view key) {
    bool found = false;
    for_each_property(record.properties, [&](std::string_view name, std::string_view value) {
        if (found) return;
        if (name == property::unique_key) {
            found = value == key;
        } else if (name == property::keys) {
            while (!value.empty() && !found) {
                const auto space = value.find(' ');
                found = value.substr(0, space) == key;
                value.remove_prefix(space == std::string_view::npos ? value.size() : space + 1);
            }
        }
    });
    return found;
}

// The first offset of `cq` at which `reached` holds, for a `reached` that
// stays true once it holds (a lower bound); max_offset when it never does.
template <typename Reached>
std::int64_t first_offset_where(const consume_queue& cq, Reached reached) {
    std::int64_t low = cq.min_offset();
    std::int64_t high = cq.max_offset();
    while (low < high) {
        const std::int64_t mid = low + (high - low) / 2;
        if (reached(mid)) high = mid;
        else low = mid + 1;
    }
    return low;
}

} // namespace

message_store::message_store(store_config config) : config_(std::move(config)) {
    if (config_.commit_log_warm_ahead_bytes > 0 || config_.consume_queue_warm_ahead_bytes > 0)
        warmer_ = std::make_unique<page_warmer>();
    commit_log_ = std::make_unique<commit_log>(config_, warmer_.get());
    queues_ = std::make_unique<consume_queue_store>(config_, warmer_.get());
    if (config_.message_index_enable) {
        index_ = std::make_unique<index_service>(config_);
        index_builder_ = std::make_unique<index_builder>(*commit_log_, *index_);
    }
    checkpoint_ = std::make_unique<store_checkpoint>(config_.checkpoint_path());
    dispatcher_ = std::make_unique<dispatcher>(*commit_log_, *queues_, index_builder_.get());
    flush_ = std::make_unique<flush_service>(config_, *commit_log_, *checkpoint_);
    retention_ = std::make_unique<retention_service>(config_, *commit_log_, *queues_, index_.get());
    queue_flusher_ = std::make_unique<periodic_thread>("gantry-cqflush", config_.flush_consume_queue_interval,
                                                       [this] { flush_queues(); });
    if (index_)
        index_flusher_ = std::make_unique<periodic_thread>("gantry-ixflush", config_.flush_index_interval,
                                                           [this] { flush_index(); });
}

message_store::~message_store() { shutdown(); }

std::error_code message_store::lock_directory() {
    std::error_code ec;
    std::filesystem::create_directories(config_.root_dir, ec);
    if (ec) return ec;
    lock_fd_ = ::open(config_.lock_path().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) return last_error();
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(lock_fd_);
        lock_fd_ = -1;
        return err == EWOULDBLOCK ? make_error_code(store_errc::locked) : std::error_code(err, std::system_category());
    }
    return {};
}

std::error_code message_store::start() {
    if (running_) return {};
    if (auto ec = lock_directory()) return ec;
    const bool crashed = std::filesystem::exists(config_.abort_path());
    const bool queues_missing = !std::filesystem::exists(config_.consume_queue_dir());
    const bool index_missing = config_.message_index_enable && !std::filesystem::exists(config_.index_dir());
    if (int fd = ::open(config_.abort_path().c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644); fd >= 0) ::close(fd);
    else return last_error();

    if (auto ec = checkpoint_->open()) return ec;
    if (auto ec = commit_log_->load()) return ec;
    if (auto ec = queues_->load()) return ec;
    if (index_) {
        if (auto ec = index_->load()) return ec;
    }
    recover(crashed, queues_missing, index_missing);

    if (warmer_) warmer_->start();
    dispatcher_->start();
    if (index_builder_) index_builder_->start();
    flush_->start();
    queue_flusher_->start();
    if (index_flusher_) index_flusher_->start();
    retention_->start();
    running_ = true;
    store_log()->info("started on {}: commit log [{}, {}), {} consume queue(s){}", config_.root_dir.string(),
                 commit_log_->min_offset(), commit_log_->max_offset(), queues_->all().size(),
                 crashed ? " after recovering from an unclean stop" : "");
    return {};
}

void message_store::recover(bool crashed, bool queues_missing, bool index_missing) {
    const auto cp = checkpoint_->state();
    // Everything below both checkpointed offsets was on disk and dispatched;
    // only the log after them needs checking.
    const std::int64_t scan_from = std::min(cp.physic_flushed_offset, cp.dispatched_offset);
    const auto outcome = recover_commit_log(*commit_log_, scan_from, config_.check_crc_on_recover);
    const std::int64_t log_min = commit_log_->min_offset();
    const std::int64_t log_end = outcome.end_offset;
    commit_log_->files().set_flushed_offset(log_end);
    if (crashed || outcome.records_dropped > 0)
        store_log()->warn("recovered commit log up to offset {} ({} record(s) checked, {} dropped)", log_end,
                     outcome.records_checked, outcome.records_dropped);

    queues_->recover(log_min, log_end);
    const std::int64_t queues_from = queues_missing ? log_min : std::clamp(cp.dispatched_offset, log_min, log_end);
    std::int64_t index_from = std::clamp(cp.indexed_offset, log_min, log_end);
    if (index_ && (index_missing || index_->end_physical_offset() > log_end)) {
        // The index knows records the log no longer has: rebuild it whole.
        index_->remove_all();
        index_from = log_min;
    }
    if (queues_from < log_end)
        store_log()->info("rebuilding consume queues from commit-log offset {} to {}", queues_from, log_end);
    if (index_ && index_from < log_end)
        store_log()->info("indexing commit-log records from offset {} to {}", index_from, log_end);
    dispatcher_->catch_up(queues_from, true);
    if (index_builder_) index_builder_->catch_up(index_from, log_end, true);
    commit_log_->resume_appends(queues_->max_offsets());
    flush_queues();
    flush_index();
}

std::error_code message_store::remove_topic(std::string_view topic) {
    const auto boundary = commit_log_->forget_topic(topic);
    if (!dispatcher_->remove_topic(std::string(topic), boundary, std::chrono::seconds(5)))
        return store_errc::dispatch_behind;
    // A checkpoint past the deletion keeps recovery from dispatching the
    // topic's old records into new queues.
    if (running_) flush_queues();
    return {};
}

void message_store::flush_queues() {
    std::lock_guard lock(flush_queues_mutex_);
    flush_and_record("consume queues", config_.root_dir, [this] { return queues_->flush(0); },
                     &store_checkpoint::set_logics, dispatcher_->dispatched_offset(),
                     dispatcher_->last_store_timestamp());
}

void message_store::flush_index() {
    if (index_)
        flush_and_record("the message index", config_.index_dir(), [this] { return index_->flush(); },
                         &store_checkpoint::set_index, index_builder_->indexed_offset(),
                         index_builder_->last_store_timestamp());
}

void message_store::flush_and_record(std::string_view what, const std::filesystem::path& where,
                                     const std::function<std::error_code()>& flush,
                                     void (store_checkpoint::*record)(std::int64_t, std::int64_t),
                                     std::int64_t reached, std::int64_t timestamp) {
    if (auto ec = flush()) {
        store_log()->error("flushing {} failed: {}; check the disk under {}", what, ec.message(), where.string());
        return;
    }
    ((*checkpoint_).*record)(reached, timestamp);
    if (auto ec = checkpoint_->flush())
        store_log()->error("writing {} failed: {}", config_.checkpoint_path().string(), ec.message());
}

void message_store::shutdown() {
    if (!running_) {
        if (lock_fd_ >= 0) {
            ::close(lock_fd_);
            lock_fd_ = -1;
        }
        return;
    }
    running_ = false;
    retention_->stop();
    dispatcher_->stop();
    if (warmer_) warmer_->stop();
    if (index_builder_) index_builder_->stop(); // after the dispatcher: it indexes all that was dispatched
    flush_->stop();
    queue_flusher_->stop();
    if (index_flusher_) index_flusher_->stop();
    flush_queues();
    flush_index();
    std::error_code ec;
    std::filesystem::remove(config_.abort_path(), ec);
    ::close(lock_fd_);
    lock_fd_ = -1;
    store_log()->info("stopped cleanly at commit-log offset {}", commit_log_->max_offset());
}

bool message_store::writable() const { return running_ && !retention_->disk_full(); }

result<append_result> message_store::put(const message_to_store& msg) {
    if (!running_) return store_errc::not_writable;
    if (retention_->disk_full()) return store_errc::disk_full;
    auto appended = commit_log_->append(msg);
    dispatcher_->dispatch_pending();
    return appended;
}

std::error_code message_store::put_batch(std::span<const message_to_store> msgs, std::span<append_result> out) {
    if (!running_) return store_errc::not_writable;
    if (retention_->disk_full()) return store_errc::disk_full;
    const auto ec = commit_log_->append_batch(msgs, out);
    dispatcher_->dispatch_pending();
    return ec;
}

void message_store::when_durable(std::int64_t end_offset, durable_callback done) {
    flush_->when_durable(end_offset, std::move(done));
}

bool message_store::durable_at_once(std::int64_t end_offset) const { return flush_->durable_at_once(end_offset); }

std::optional<record_ref> message_store::read_record(std::int64_t physical_offset, std::int32_t size) const {
    return commit_log_->read(physical_offset, size);
}

std::optional<record_ref> message_store::read_record_at(std::int64_t physical_offset) const {
    std::int64_t offset = physical_offset;
    auto ref = commit_log_->read_next(offset);
    if (!ref || offset != physical_offset) return std::nullopt;
    return ref;
}

get_result message_store::get_messages(const get_request& request) const {
    get_result out;
    auto cq = queues_->find(request.topic, request.queue_id);
    if (!cq) return out;
    out.min_offset = cq->min_offset();
    out.max_offset = cq->max_offset();
    if (out.max_offset == 0) {
        out.status = get_status::no_message_in_queue;
        return out;
    }
    if (request.offset < out.min_offset) {
        out.status = get_status::offset_too_small;
        out.next_begin_offset = out.min_offset;
        return out;
    }
    if (request.offset >= out.max_offset) {
        out.status = request.offset == out.max_offset ? get_status::offset_overflow_one
                                                       : get_status::offset_overflow_badly;
        out.next_begin_offset = request.offset == out.max_offset ? request.offset : out.max_offset;
        return out;
    }

    // Bound the work one read may do when a filter skips most entries.
    const std::int64_t scan_limit = std::max<std::int64_t>(800, request.max_messages);
    std::array<cq_entry, 64> entries;
    std::int64_t offset = request.offset;
    bool missing = false;
    out.status = get_status::no_matched_message;
    while (offset < out.max_offset && offset - request.offset < scan_limit &&
           static_cast<std::int32_t>(out.messages.size()) < request.max_messages) {
        const std::size_t n = cq->read(offset, entries);
        if (n == 0) break;
        std::size_t i = 0;
        for (; i < n && static_cast<std::int32_t>(out.messages.size()) < request.max_messages; ++i) {
            const auto& e = entries[i];
            if (request.filter && !request.filter->matches_tag_code(e.tag_code)) continue;
            auto ref = commit_log_->read(e.physical_offset, e.size);
            if (!ref) {
                missing = true;
                continue;
            }
            const auto record =
                checked_record(*ref, request.topic, request.queue_id, offset + static_cast<std::int64_t>(i));
            if (!record) continue;
            if (request.filter && !request.filter->matches_record(*record)) continue;
            if (!out.messages.empty() && out.total_bytes + e.size > request.max_bytes) break;
            out.total_bytes += e.size;
            out.messages.push_back(std::move(*ref));
        }
        offset += static_cast<std::int64_t>(i);
        if (i < n) break;
    }
    out.next_begin_offset = offset;
    if (!out.messages.empty()) out.status = get_status::found;
    else if (missing) out.status = get_status::offset_found_null;
    return out;
}

std::optional<queue_record> message_store::read_queue_record(std::string_view topic, std::int32_t queue_id,
                                                             std::int64_t queue_offset,
                                                             const message_filter* filter) const {
    const auto cq = queues_->find(topic, queue_id);
    return cq ? read_queue_record(*cq, queue_offset, filter) : std::nullopt;
}

std::optional<queue_record> message_store::read_queue_record(const consume_queue& queue, std::int64_t queue_offset,
                                                             const message_filter* filter) const {
    const auto entry = queue.get(queue_offset);
    if (!entry || (filter && !filter->matches_tag_code(entry->tag_code))) return std::nullopt;
    auto ref = commit_log_->read(entry->physical_offset, entry->size);
    if (!ref) return std::nullopt;
    const auto record = checked_record(*ref, queue.topic(), queue.queue_id(), queue_offset);
    if (!record || (filter && !filter->matches_record(*record))) return std::nullopt;
    return queue_record{std::move(*ref), *record};
}

std::shared_ptr<const consume_queue> message_store::queue(std::string_view topic, std::int32_t queue_id) const {
    return queues_->find(topic, queue_id);
}

std::optional<decoded_record> message_store::checked_record(const record_ref& ref, std::string_view topic,
                                                            std::int32_t queue_id, std::int64_t queue_offset) const {
    auto record = decode_record(ref.bytes);
    const auto physical_offset = ref.file->from_offset() + (ref.bytes.data() - ref.file->data());
    // Rot happens at rest: a record not yet flushed is read from the page
    // cache the appender wrote it into, from the bytes it computed the CRC of.
    const bool at_rest = physical_offset + static_cast<std::int64_t>(ref.bytes.size()) <=
                         commit_log_->files().flushed_offset();
    if (record && (!at_rest || body_crc_matches(*record))) return record;
    store_log()->error("record at commit-log offset {} ({}/{} offset {}) is corrupt and not served",
                       physical_offset, topic, queue_id, queue_offset);
    return std::nullopt;
}

std::optional<cq_entry> message_store::queue_entry(std::string_view topic, std::int32_t queue_id,
                                                   std::int64_t queue_offset) const {
    auto cq = queues_->find(topic, queue_id);
    return cq ? cq->get(queue_offset) : std::nullopt;
}

std::int64_t message_store::min_offset(std::string_view topic, std::int32_t queue_id) const {
    auto cq = queues_->find(topic, queue_id);
    return cq ? cq->min_offset() : 0;
}

std::int64_t message_store::max_offset(std::string_view topic, std::int32_t queue_id) const {
    auto cq = queues_->find(topic, queue_id);
    return cq ? cq->max_offset() : 0;
}

std::optional<std::int64_t> message_store::store_time_at(const consume_queue& cq, std::int64_t queue_offset) const {
    const auto entry = cq.get(queue_offset);
    if (!entry) return std::nullopt;
    const auto ref = commit_log_->read(entry->physical_offset, entry->size);
    if (!ref) return std::nullopt;
    const auto record = decode_record(ref->bytes);
    if (!record) return std::nullopt;
    return record->store_timestamp;
}

std::int64_t message_store::earliest_store_time(std::string_view topic, std::int32_t queue_id) const {
    auto cq = queues_->find(topic, queue_id);
    if (!cq) return 0;
    for (std::int64_t offset = cq->min_offset(); offset < cq->max_offset(); ++offset)
        if (auto t = store_time_at(*cq, offset)) return *t;
    return 0;
}

std::int64_t message_store::offset_for_timestamp(std::string_view topic, std::int32_t queue_id,
                                                 std::int64_t timestamp_ms) const {
    auto cq = queues_->find(topic, queue_id);
    if (!cq) return 0;
    // Store times rise with the offset (one clock, appends in order).
    return first_offset_where(*cq, [&](std::int64_t offset) {
        const auto t = store_time_at(*cq, offset);
        return t && *t >= timestamp_ms;
    });
}

std::int64_t message_store::offset_for_log_position(std::string_view topic, std::int32_t queue_id,
                                                    std::int64_t physical_offset) const {
    auto cq = queues_->find(topic, queue_id);
    if (!cq) return 0;
    // A queue's entries point ever further into the log: no record is read.
    return first_offset_where(*cq, [&](std::int64_t offset) {
        const auto entry = cq->get(offset);
        return entry && entry->physical_offset >= physical_offset;
    });
}

std::int64_t message_store::commit_log_min_offset() const { return commit_log_->min_offset(); }
std::int64_t message_store::commit_log_max_offset() const { return commit_log_->max_offset(); }
std::int64_t message_store::dispatched_offset() const { return dispatcher_->dispatched_offset(); }

std::vector<record_ref> message_store::query_by_key(std::string_view topic, std::string_view key,
                                                   std::size_t max_results, std::int64_t begin_ms,
                                                   std::int64_t end_ms) const {
    if (!index_) return scan_by_key(topic, key, max_results, begin_ms, end_ms);
    // The index is built behind the dispatcher: let it catch up with what was
    // appended before this query.
    if (!index_builder_->wait_indexed(index_wait_limit))
        store_log()->warn("the message index is more than {} ms behind the commit log; a look-up by key may miss "
                          "the newest records",
                          index_wait_limit.count());
    std::vector<record_ref> found;
    for (const std::int64_t offset : index_->query(topic, key, max_results, begin_ms, end_ms)) {
        auto ref = read_record_at(offset);
        if (!ref) continue;
        const auto record = decode_record(ref->bytes);
        if (record && record->topic == topic && key_matches(*record, key)) found.push_back(std::move(*ref));
    }
    return found;
}

std::vector<record_ref> message_store::scan_by_key(std::string_view topic, std::string_view key,
                                                  std::size_t max_results, std::int64_t begin_ms,
                                                  std::int64_t end_ms) const {
    std::vector<queue_record> found;
    std::size_t left = max_records_scanned;
    for (const auto& cq : queues_->of_topic(topic)) {
        const std::int64_t end = cq->max_offset();
        for (auto offset = offset_for_timestamp(topic, cq->queue_id(), begin_ms); offset < end && left > 0;
             ++offset, --left) {
            auto got = read_queue_record(*cq, offset, nullptr);
            if (!got) continue;
            if (got->record.store_timestamp > end_ms) break;
            if (key_matches(got->record, key)) found.push_back(std::move(*got));
        }
    }
    if (left == 0)
        store_log()->warn("a look-up by key in topic {} stopped after reading {} records (messageIndexEnable is "
                          "false); enable the index for look-ups over more of the log",
                          topic, max_records_scanned);
    std::sort(found.begin(), found.end(), [](const queue_record& a, const queue_record& b) {
        return a.record.store_timestamp > b.record.store_timestamp;
    });
    if (found.size() > max_results) found.resize(max_results);
    std::vector<record_ref> refs;
    for (auto& f : found) refs.push_back(std::move(f.ref));
    return refs;
}

void message_store::set_arrival_listener(arrival_listener listener) { dispatcher_->set_listener(std::move(listener)); }

} // namespace gantry::store
