// core_engine's batched append: a session's messages of one read, prepared
// one by one as append() would, then stored with one pass through the
// commit log's critical section and one dispatch, and answered once.
#include <algorithm>

#include "gantry/core/core_engine.hpp"
#include "gantry/engine/wall_clock.hpp"
#include "gantry/store/store_error.hpp"
#include "complete_on.hpp"

namespace gantry::core {

namespace {

// Refusals the commit log makes before it stores any of a batch.
bool refuses_one_message(std::error_code ec) {
    return ec == store::store_errc::message_too_large || ec == store::store_errc::topic_too_long ||
           ec == store::store_errc::properties_too_long || ec == store::store_errc::nul_in_text;
}

} // namespace

std::vector<result<store::append_result>> core_engine::store_batch(std::span<const store::message_to_store> batch) {
    std::vector<store::append_result> together(batch.size());
    const auto ec = batch.empty() ? std::error_code{} : store_.put_batch(batch, together);
    if (!ec) return {together.begin(), together.end()};
    std::vector<result<store::append_result>> stored;
    stored.reserve(batch.size());
    for (const auto& m : batch)
        stored.push_back(refuses_one_message(ec) ? store_.put(m) : result<store::append_result>(ec));
    return stored;
}

void core_engine::append_batch(const engine::operation_context& ctx, std::vector<engine::message> msgs,
                               std::function<void(std::vector<result<engine::append_receipt>>)> done) {
    using answer = result<engine::append_receipt>;
    std::vector<answer> answers(msgs.size(), answer(engine::append_receipt{}));
    std::vector<std::string> properties(msgs.size());
    std::vector<store::message_to_store> batch;
    std::vector<std::size_t> batched; // where batch[k] came from in msgs
    batch.reserve(msgs.size());
    batched.reserve(msgs.size());
    std::int64_t end_offset = 0; // of the last record stored: what durability waits for
    for (std::size_t i = 0; i < msgs.size(); ++i) {
        auto m = prepare(ctx, msgs[i], properties[i]);
        if (!m) {
            answers[i] = m.error();
            continue;
        }
        // A delivery time to come goes through the scheduler, as in append().
        const auto wait = msgs[i].deliver_at_ms > 0 ? msgs[i].deliver_at_ms - engine::wall_clock_ms() : 0;
        if (wait > 0) {
            auto scheduled = scheduler_.schedule(*m, scheduler_.level_for(wait));
            if (!scheduled) {
                answers[i] = scheduled.error();
                continue;
            }
            answers[i] = engine::append_receipt{msgs[i].message_id, scheduled->physical_offset, m->queue_id,
                                                scheduled->queue_offset};
            end_offset = std::max(end_offset, scheduled->end_offset());
            continue;
        }
        batch.push_back(*m);
        batched.push_back(i);
    }
    const auto stored = store_batch(batch);
    for (std::size_t k = 0; k < batch.size(); ++k) {
        auto& a = answers[batched[k]];
        if (!stored[k]) {
            a = stored[k].error();
            continue;
        }
        a = engine::append_receipt{std::move(msgs[batched[k]].message_id), stored[k]->physical_offset,
                                   batch[k].queue_id, stored[k]->queue_offset};
        end_offset = std::max(end_offset, stored[k]->end_offset());
    }
    // Under ASYNC_FLUSH, every batch: no callback for the store to keep.
    if (end_offset == 0 || store_.durable_at_once(end_offset))
        return complete_on(ctx.executor, std::move(done), std::move(answers));
    store_.when_durable(end_offset, [executor = ctx.executor, done = std::move(done),
                                     answers = std::move(answers)](std::error_code ec) mutable {
        for (auto& a : answers) {
            if (!a) continue;
            if (ec && ec != store::store_errc::flush_timeout) a = ec;
            else a->durable = !ec;
        }
        complete_on(executor, std::move(done), std::move(answers));
    });
}

} // namespace gantry::core
