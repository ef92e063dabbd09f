#include "gantry/core/delay_scheduler.hpp"

#include <charconv>

#include "core_log.hpp"
#include "delay_properties.hpp"
#include "gantry/core/message_codec.hpp"
#include "gantry/engine/wall_clock.hpp"
#include "gantry/store/message_properties.hpp"
#include "gantry/store/store_error.hpp"

// The delivery half of delay_scheduler: moving due records from the schedule
// queues to their real topics, on the scheduler's thread.

namespace gantry::core {

namespace {

namespace property = store::property;

// Deliveries from one level before the others get their turn.
constexpr int max_deliveries_per_pass = 1024;

std::optional<std::int32_t> parse_queue_id(std::optional<std::string_view> text) {
    std::int32_t id = 0;
    if (!text) return std::nullopt;
    const auto end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, id);
    if (ec != std::errc{} || ptr != end || id < 0) return std::nullopt;
    return id;
}

// Failures no retry can cure: the record itself is unacceptable to the
// store (say maxMessageSize was lowered since it was scheduled).
bool is_permanent(std::error_code ec) {
    return ec == store::store_errc::message_too_large || ec == store::store_errc::topic_too_long ||
           ec == store::store_errc::properties_too_long || ec == store::store_errc::nul_in_text;
}

std::int64_t parse_time(std::optional<std::string_view> text) {
    std::int64_t ms = 0;
    if (text) std::from_chars(text->data(), text->data() + text->size(), ms);
    return ms;
}

const char* why_unusable(store::get_status status) {
    switch (status) {
    case store::get_status::offset_overflow_badly: return "past the queue's end";
    case store::get_status::offset_too_small: return "already removed from the queue";
    default: return "record missing or corrupt";
    }
}

} // namespace

delay_scheduler::level_pass delay_scheduler::deliver_level(int level) {
    level_pass pass;
    const auto delay = opts_.delay_levels[static_cast<std::size_t>(level - 1)].count();
    std::int64_t next = offset(level);
    for (int delivered = 0; delivered < max_deliveries_per_pass; ++delivered) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return pass;
        }
        // The entry's tag code is the delivery time (the store's dispatcher
        // writes it so), so nothing is read before it is due.
        if (const auto entry = store_.queue_entry(store::schedule_topic, level - 1, next)) {
            const auto now = engine::wall_clock_ms();
            // A delivery time further out than the level's delay comes from
            // a clock that went back since the message was stored: deliver
            // now rather than hold it for the gap (as RocketMQ does).
            const auto due = entry->tag_code > now + delay ? now : entry->tag_code;
            if (due > now) {
                pass.next_due = clock::time_point(std::chrono::milliseconds(due));
                return pass;
            }
        }
        store::get_request request;
        request.topic = store::schedule_topic;
        request.queue_id = level - 1;
        request.offset = next;
        request.max_messages = 1;
        const auto got = store_.get_messages(request);

        switch (got.status) {
        case store::get_status::found: {
            const auto record = store::decode_record(got.messages.front().bytes);
            if (record && !deliver_record(level, got.next_begin_offset - 1, *record)) {
                pass.blocked = true;
                return pass;
            }
            break;
        }
        case store::get_status::no_matched_message: // corrupt records, reported by the store
        case store::get_status::offset_found_null:  // records removed by retention
        case store::get_status::offset_too_small:
        case store::get_status::offset_overflow_badly:
            if (got.next_begin_offset == next) return pass;
            core_log()->warn("delay level {}: schedule-queue offset {} is unusable ({}); continuing at {}", level,
                             next, why_unusable(got.status), got.next_begin_offset);
            break;
        default: // nothing (more) waiting
            return pass;
        }
        next = got.next_begin_offset;
        set_offset(level, next);
    }
    pass.next_due = clock::now(); // more to deliver after the other levels
    return pass;
}

bool delay_scheduler::deliver_record(int level, std::int64_t queue_offset, const store::decoded_record& record) {
    const auto topic = store::find_property(record.properties, property::real_topic);
    const auto queue_id = parse_queue_id(store::find_property(record.properties, property::real_queue_id));
    if (!topic || !queue_id) {
        core_log()->error("delay level {}: the message at schedule-queue offset {} (commit-log offset {}) has no "
                          "valid REAL_TOPIC/REAL_QID and cannot be delivered; skipped",
                          level, queue_offset, record.physical_offset);
        return true;
    }

    // As RocketMQ: DELAY goes, REAL_* stay (they tell where it came from).
    const auto properties = properties_without(record.properties, property::delay_level);
    store::message_to_store msg;
    msg.topic = *topic;
    msg.queue_id = *queue_id;
    msg.flag = record.flag;
    msg.body = record.body;
    msg.properties = properties;
    msg.sys_flag = record.sys_flag;
    msg.born_timestamp = record.born_timestamp;
    msg.born_host = record.born_host;
    msg.reconsume_times = record.reconsume_times;

    const auto slot = static_cast<std::size_t>(level - 1);
    // A delivery time not reached yet: another round through the levels.
    const auto deliver_at = parse_time(store::find_property(record.properties, header::deliver_at));
    const auto now = engine::wall_clock_ms();
    const auto put = deliver_at > now ? schedule(msg, level_for(deliver_at - now)) : store_.put(msg);
    if (!put && is_permanent(put.error())) {
        core_log()->error("delay level {}: the store refuses the message at schedule-queue offset {} for {}/{}: {}; "
                          "skipped. It stays readable at commit-log offset {} until retention removes it",
                          level, queue_offset, *topic, *queue_id, put.error().message(), record.physical_offset);
        return true;
    }
    if (!put) {
        if (!refused_[slot])
            core_log()->error("delay level {}: cannot deliver the message at schedule-queue offset {} to {}/{}: {}; "
                              "it and the rest of the level wait and are retried every {} ms. Free disk space "
                              "under {} if the disk is full",
                              level, queue_offset, *topic, *queue_id, put.error().message(), opts_.retry_after.count(),
                              store_.config().root_dir.string());
        refused_[slot] = true;
        return false;
    }
    delivered_end_ = put->end_offset();
    if (refused_[slot]) core_log()->info("delay level {}: delivering again from schedule-queue offset {}", level, queue_offset);
    refused_[slot] = false;
    return true;
}

} // namespace gantry::core
