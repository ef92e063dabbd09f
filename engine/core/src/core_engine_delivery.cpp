// core_engine's delivery half: pumping messages to subscribers within their
// credit, settling, redelivery through the retry and dead-letter topics, and
// long-polling reads.
#include <algorithm>
#include <chrono>

#include "core_log.hpp"
#include "gantry/core/core_engine.hpp"
#include "gantry/core/core_error.hpp"
#include "gantry/core/message_codec.hpp"
#include "gantry/core/redelivery.hpp"
#include "gantry/engine/handler_tail.hpp"
#include "gantry/engine/wall_clock.hpp"
#include "gantry/store/message_id.hpp"
#include "gantry/store/message_properties.hpp"

namespace gantry::core {

namespace {

// How many queue entries one pump may look at before it yields its executor.
constexpr int pump_scan_limit = 4096;
// How many offsets one pump takes from a queue at a time.
constexpr int pump_batch = 32;

int effective_priority(const engine::message& m) {
    return m.priority == engine::message::unset_priority ? engine::message::default_priority : m.priority;
}

} // namespace

void core_engine::post_pump(const std::shared_ptr<subscription>& sub) {
    if (sub->closed || sub->credit.load() <= 0) return;
    if (sub->pump_posted.exchange(true)) return;
    // A posted pump opens a tail of its own: what its deliveries write
    // completes as it ends.
    engine::handler_tail::run_or_post(sub->context().executor, [this, sub] {
        const engine::handler_tail tail(sub->context().executor);
        pump(sub);
    });
}

void core_engine::wake_group(const consumer_group& group) {
    std::vector<std::shared_ptr<subscription>> members;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [id, sub] : subscriptions_)
            if (&sub->group() == &group) members.push_back(sub);
    }
    for (const auto& sub : members) post_pump(sub);
}

void core_engine::pump(const std::shared_ptr<subscription>& sub) {
    sub->pump_posted = false;
    thread_local std::vector<pop_queue::taken> taken;
    const auto ack_timeout = sub->options().ack_timeout;
    const bool by_priority = sub->options().by_priority;
    std::vector<engine::delivery> round; // by_priority: what this round took, handed over together
    int scanned = 0;
    bool more = true;
    while (more && !sub->closed && sub->credit.load() > 0 && scanned < pump_scan_limit) {
        more = false;
        for (const auto& src : sub->sources()) {
            const int credit = sub->credit.load() - static_cast<int>(round.size());
            if (credit <= 0 || sub->closed) break;
            auto queue = sub->group().queue(src.topic, src.queue_id, [&] {
                return start_offset(sub->group(), sub->options().start, src.topic, src.queue_id);
            });
            taken.clear();
            const auto stored = store_.queue(src.topic, src.queue_id);
            const auto end = stored ? stored->max_offset() : 0;
            const auto max = static_cast<std::size_t>(std::min(credit, pump_batch));
            if (sub->settle_on_hand_over.load(std::memory_order_relaxed)) queue->take_settled(end, max, taken);
            else queue->take(end, max, pop_queue::clock::now() + ack_timeout, taken);
            // Fewer than asked for: this queue has nothing more now, and what
            // arrives from here on posts another pump (pump_posted is clear).
            if (taken.size() == max) more = true;
            for (const auto& t : taken) {
                ++scanned;
                auto d = take_delivery(*sub, *queue, stored.get(), src, t);
                if (!d) continue;
                if (by_priority) round.push_back(std::move(*d));
                else hand_over(*sub, std::move(*d));
            }
        }
        // Higher priorities first; equal ones in the order they were stored,
        // across the subscription's queues too.
        std::sort(round.begin(), round.end(), [](const engine::delivery& a, const engine::delivery& b) {
            const int pa = effective_priority(a.msg);
            const int pb = effective_priority(b.msg);
            return pa != pb ? pa > pb : a.physical_offset < b.physical_offset;
        });
        for (auto& d : round) hand_over(*sub, std::move(d));
        round.clear();
    }
    if (more && !sub->closed && sub->credit.load() > 0) post_pump(sub);
}

std::optional<engine::delivery> core_engine::take_delivery(subscription& sub, pop_queue& queue,
                                                           const store::consume_queue* stored,
                                                           const subscription::source& src,
                                                           const pop_queue::taken& t) {
    // Every path returns `d`, so it is made where the caller keeps it: a
    // delivery is a dozen strings and vectors, and the pump moves none.
    std::optional<engine::delivery> d;
    // Settles for this group an offset it will not be given.
    const auto pass_over = [&] {
        if (!t.settled) queue.ack(t.offset, t.delivery_id);
        d.reset();
    };
    const auto got = stored ? store_.read_queue_record(*stored, t.offset, &sub.filter()) : std::nullopt;
    if (!got) { // filtered out, or gone with retention
        pass_over();
        return d;
    }
    const auto& [ref, record] = *got;
    if (record.reconsume_times == 0 && t.redeliveries == 0 &&
        sub.group().before_start(record.physical_offset, record.store_timestamp)) {
        pass_over();
        return d;
    }
    fill_delivery(d.emplace(), ref, record, record.reconsume_times + 1 + t.redeliveries,
                  sub.options().body_in_place ? body_placement::in_place : body_placement::copied);
    if (d->msg.expires_at_ms > 0 && d->msg.expired_at(engine::wall_clock_ms())) {
        expired_.fetch_add(1, std::memory_order_relaxed);
        pass_over();
        return d;
    }
    d->handle = {src.topic, src.queue_id, t.offset, t.delivery_id};
    d->settled = t.settled;
    d->failed_attempts = record.reconsume_times + t.failures;
    return d;
}

void core_engine::hand_over(subscription& sub, engine::delivery&& d) {
    if (!d.settled) sub.hold(d.handle);
    sub.credit.fetch_sub(1);
    sub.sink().deliver(std::move(d));
}

void core_engine::settle(engine::subscription_id id, const engine::delivery_handle& handle, engine::outcome result) {
    auto sub = find_subscription(id);
    if (!sub || !sub->forget(handle)) return; // unknown, stale or settled before
    auto queue = sub->group().find(handle.topic, handle.queue_id);
    if (!queue) return;
    switch (result) {
    case engine::outcome::accepted: queue->ack(handle.queue_offset, handle.delivery_id); break;
    case engine::outcome::released:
        if (queue->release(handle.queue_offset, handle.delivery_id, false)) wake_group(sub->group());
        break;
    case engine::outcome::modified:
        redeliver(sub->group(), handle.topic, handle.queue_id, handle.queue_offset, handle.delivery_id, false, true);
        break;
    case engine::outcome::rejected:
        redeliver(sub->group(), handle.topic, handle.queue_id, handle.queue_offset, handle.delivery_id, true, false);
        break;
    }
}

void core_engine::settle_on_hand_over(engine::subscription_id id, bool on) {
    if (const auto sub = find_subscription(id)) sub->settle_on_hand_over = on;
}

bool core_engine::extend(engine::subscription_id id, const engine::delivery_handle& handle,
                         std::chrono::milliseconds more) {
    auto sub = find_subscription(id);
    if (!sub) return false;
    auto queue = sub->group().find(handle.topic, handle.queue_id);
    return queue && queue->extend(handle.queue_offset, handle.delivery_id, pop_queue::clock::now() + more);
}

std::error_code core_engine::copy_for_group(const std::string& group, const store::decoded_record& record,
                                            const message_origin& origin, bool dead_letter, int delay_level,
                                            store::durable_callback durable) {
    auto target = dead_letter ? topics_.dlq_topic_for(group) : topics_.retry_topic_for(group);
    if (!target) {
        core_log()->error("cannot create {} for group {}: {}; the message stays with the group",
                          dead_letter ? "the dead-letter topic" : "the retry topic", group, target.error().message());
        return target.error();
    }
    const auto copy = dead_letter ? dead_letter_copy(record, origin, group) : retry_copy(record, origin, group);
    auto stored = delay_level > 0 ? scheduler_.schedule(copy.msg, delay_level) : store_.put(copy.msg);
    if (!stored) {
        core_log()->warn("cannot store a redelivery of {} for group {}: {}; it goes back to the group in place",
                         origin.message_id, group, stored.error().message());
        return stored.error();
    }
    if (dead_letter)
        core_log()->info("message {} of {} moved to {} after {} deliveries", origin.message_id, origin.topic,
                         dlq_topic_name(group), record.reconsume_times + 1);
    store_.when_durable(stored->end_offset(), std::move(durable));
    return {};
}

void core_engine::redeliver(consumer_group& group, const std::string& topic, std::int32_t queue_id,
                            std::int64_t offset, std::uint64_t delivery_id, bool dead_letter, bool back_off) {
    auto queue = group.find(topic, queue_id);
    if (!queue) return;
    const auto got = store_.read_queue_record(topic, queue_id, offset, nullptr);
    if (!got) {
        queue->ack(offset, delivery_id); // nothing left to redeliver
        return;
    }
    const auto& record = got->record;
    const auto origin = origin_of(record, store::offset_message_id(record.store_host, record.physical_offset));
    const bool to_dead_letters =
        dead_letter ||
        record.reconsume_times + 1 >= group_configs_.effective_group_config(group.name()).retry_max_times;
    // RocketMQ's back-off: delay level 3 + attempts so far (10 s, 30 s, 1 min, ...).
    const int delay_level = !to_dead_letters && back_off ? 3 + record.reconsume_times : 0;
    // The original counts as settled only once its copy is durable.
    const auto failed = copy_for_group(group.name(), record, origin, to_dead_letters, delay_level,
                                       [queue, offset, delivery_id](std::error_code ec) {
                                           if (ec) queue->release(offset, delivery_id);
                                           else queue->ack(offset, delivery_id);
                                       });
    if (failed) {
        queue->release(offset, delivery_id);
        wake_group(group);
    }
}

void core_engine::send_back(const engine::operation_context& ctx, engine::send_back_request request,
                            std::function<void(std::error_code)> done) {
    store::durable_callback finish = [ex = ctx.executor, done = std::move(done)](std::error_code ec) {
        asio::post(ex, [done, ec] { done(ec); });
    };
    const auto ref = store_.read_record_at(request.physical_offset);
    const auto record = ref ? store::decode_record(ref->bytes) : std::nullopt;
    if (!record) return finish(core_errc::message_not_found);
    auto origin = origin_of(*record, store::offset_message_id(record->store_host, record->physical_offset));
    if (!request.origin_message_id.empty() &&
        !store::find_property(record->properties, redelivery_property::origin_message_id))
        origin.message_id = request.origin_message_id;
    // RocketMQ's rule (specs §2.4.9): dead letters once the record was
    // reconsumed `max` times already, or when the consumer asks (level < 0).
    const int max = request.max_reconsume_times >= 0
                        ? request.max_reconsume_times
                        : group_configs_.effective_group_config(request.group).retry_max_times;
    const bool dead_letter = request.delay_level < 0 || record->reconsume_times >= max;
    const int delay_level = dead_letter ? 0 : request.delay_level > 0 ? request.delay_level : 3 + record->reconsume_times;
    if (auto ec = copy_for_group(request.group, *record, origin, dead_letter, delay_level, finish)) finish(ec);
}

void core_engine::revive_expired() {
    std::vector<std::shared_ptr<consumer_group>> groups;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [name, g] : groups_) groups.push_back(g);
    }
    std::vector<pop_queue::taken> expired_deliveries;
    const auto now = pop_queue::clock::now();
    for (const auto& g : groups) {
        bool any = false;
        for (const auto& q : g->queues()) {
            expired_deliveries.clear();
            q.queue->take_expired(now, expired_deliveries);
            for (const auto& t : expired_deliveries) {
                any = true;
                redeliver(*g, q.topic, q.queue_id, t.offset, t.delivery_id, false, false);
            }
        }
        if (any) wake_group(*g);
    }
}

void core_engine::read(const engine::operation_context& ctx, engine::read_request request,
                       std::function<void(result<engine::read_result>)> done) {
    selector_diagnostic diagnostic;
    auto filter = record_filter::compile(request.filter_kind, request.filter, diagnostic);
    if (!filter) {
        asio::post(ctx.executor, [done = std::move(done)] { done(core_errc::invalid_filter); });
        return;
    }
    // One pull; a wait repeats it when woken by an arrival or the deadline.
    struct poll {
        poll(engine::read_request r, record_filter f, std::function<void(result<engine::read_result>)> d,
             const asio::any_io_executor& ex)
            : request(std::move(r)), filter(std::move(f)), done(std::move(d)), timer(ex) {}
        engine::read_request request;
        record_filter filter;
        std::function<void(result<engine::read_result>)> done;
        asio::steady_timer timer;
        arrival_hub::token watch = 0;
        std::uint64_t held = 0; // its entry in held_reads_
        std::atomic<bool> finished{false};
    };
    // A delete between here and the hold below must still end the wait.
    const bool topic_existed = topics_.find(request.topic).has_value();
    auto p = std::make_shared<poll>(std::move(request), std::move(*filter), std::move(done), ctx.executor);
    auto attempt = [this](poll& state) {
        engine::read_result out;
        const auto got = store_.get_messages({.topic = state.request.topic,
                                              .queue_id = state.request.queue_id,
                                              .offset = state.request.offset,
                                              .max_messages = state.request.max_messages,
                                              .filter = &state.filter});
        out.next_offset = got.next_begin_offset;
        out.min_offset = got.min_offset;
        out.max_offset = got.max_offset;
        for (const auto& ref : got.messages) {
            if (state.request.stored_form) {
                out.records.push_back({ref.bytes, ref.file});
                continue;
            }
            const auto record = store::decode_record(ref.bytes);
            if (!record) continue;
            out.messages.push_back(to_delivery(ref, *record, record->reconsume_times + 1));
        }
        return out;
    };
    // `reason`: the read fails with it instead of answering what is there.
    auto finish = [this, attempt](const std::shared_ptr<poll>& state, std::error_code reason) {
        if (state->finished.exchange(true)) return;
        if (state->watch) arrivals_.unwatch(state->watch);
        {
            std::lock_guard lock(held_mutex_);
            held_reads_.erase(state->held);
        }
        state->timer.cancel();
        if (reason) return state->done(reason);
        state->done(attempt(*state));
    };
    auto first = attempt(*p);
    const bool found = !first.messages.empty() || !first.records.empty();
    if (!found && p->request.wait.count() > 0) {
        std::lock_guard lock(held_mutex_);
        if (holding_reads_) {
            p->held = ++next_held_read_;
            held_reads_.emplace(
                p->held, held_read{p->request.topic, [ex = ctx.executor, weak = std::weak_ptr<poll>(p),
                                                      finish](std::error_code reason) {
                                       if (auto state = weak.lock())
                                           asio::post(ex, [state, finish, reason] { finish(state, reason); });
                                   }});
        }
    }
    if (p->held == 0) {
        p->finished = true;
        asio::post(ctx.executor, [p, r = std::move(first)]() mutable { p->done(std::move(r)); });
        return;
    }
    const auto ex = ctx.executor;
    p->watch = arrivals_.watch(p->request.topic, p->request.queue_id, ex, [ex, p, finish](std::int64_t max_offset) {
        if (max_offset > p->request.offset) asio::post(ex, [p, finish] { finish(p, {}); });
    });
    p->timer.expires_after(p->request.wait);
    p->timer.async_wait([p, finish](const boost::system::error_code& ec) {
        if (!ec) finish(p, {});
    });
    // A record may have arrived between the first attempt and the watch, or
    // the topic been deleted before a delete could find this read held.
    if (topic_existed && !topics_.find(p->request.topic))
        asio::post(ex, [p, finish] { finish(p, core_errc::topic_not_exist); });
    else if (store_.max_offset(p->request.topic, p->request.queue_id) > p->request.offset)
        asio::post(ex, [p, finish] { finish(p, {}); });
}

void core_engine::stop_holding_reads() {
    std::unordered_map<std::uint64_t, held_read> held;
    {
        std::lock_guard lock(held_mutex_);
        holding_reads_ = false;
        held.swap(held_reads_);
    }
    for (auto& [id, read] : held) read.answer({});
}

void core_engine::fail_held_reads_of(const std::string& topic, std::error_code reason) {
    std::vector<held_read> failing;
    {
        std::lock_guard lock(held_mutex_);
        for (auto it = held_reads_.begin(); it != held_reads_.end();) {
            if (it->second.topic != topic) {
                ++it;
                continue;
            }
            failing.push_back(std::move(it->second));
            it = held_reads_.erase(it);
        }
    }
    for (auto& read : failing) read.answer(reason);
}

} // namespace gantry::core
