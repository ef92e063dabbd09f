#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "gantry/protocols/remoting/header_reader.hpp"
#include "../remoting_mapping.hpp"
#include "gantry/engine/byte_order.hpp"
#include "gantry/protocols/remoting/pull_sys_flag.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

namespace {

// Java clients give up on a pull after 30 s; holding it longer helps no one.
constexpr std::chrono::milliseconds max_suspend{30'000};
// Java's in-memory limits per pull: 32 messages, and a body far below the frame limit.
constexpr std::int32_t max_messages = 32;
constexpr std::size_t max_body_bytes = 4 * 1024 * 1024;
// A stored record's queue offset lies after size, magic, CRC, queue id and flag (spec 3.1).
constexpr std::size_t queue_offset_position = 20;

remoting_command pull_response(const request_context& ctx, std::int32_t code, std::int64_t next,
                               std::int64_t min, std::int64_t max) {
    auto response = ctx.response(code);
    response.set_ext("suggestWhichBrokerId", "0");
    response.set_ext("nextBeginOffset", std::to_string(next));
    response.set_ext("minOffset", std::to_string(min));
    response.set_ext("maxOffset", std::to_string(max));
    return response;
}

// Keeps the body within max_body_bytes (but at least one record) and moves
// next_offset back to just after the last record kept.
void trim(engine::read_result& got) {
    std::size_t bytes = 0;
    std::size_t keep = 0;
    while (keep < got.records.size() && (keep == 0 || bytes + got.records[keep].bytes.size() <= max_body_bytes))
        bytes += got.records[keep++].bytes.size();
    if (keep == got.records.size()) return;
    const auto& last = got.records[keep - 1].bytes;
    if (last.size() >= queue_offset_position + 8)
        got.next_offset = load_be<std::int64_t>(last.data() + queue_offset_position) + 1;
    got.records.resize(keep);
}

} // namespace

void pull_message(request_context ctx) {
    header_reader h(ctx.request());
    const auto group = h.text("consumerGroup");
    engine::read_request read;
    read.topic = h.text("topic");
    read.queue_id = h.int32("queueId");
    read.offset = h.int64("queueOffset");
    read.max_messages = std::clamp(h.int32("maxMsgNums"), 1, max_messages);
    const auto sys_flag = h.int32("sysFlag");
    const auto commit_offset = h.int64("commitOffset");
    const auto suspend = h.int64("suspendTimeoutMillis");
    const auto expression = h.text_or("subscription", "*");
    auto expression_type = h.text_or("expressionType", "TAG");
    const auto sub_version = h.int64_or("subVersion", 0);
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);

    // The group's settings (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP), with 4.9.x's remarks.
    const auto settings = ctx.engine().group_configs().effective_group_config(group);
    if (!settings.consume_enable)
        return ctx.fail(response_code::no_permission, "subscription group no permission, " + group);
    if (sys_flag & pull_sys_flag::subscription) {
        read.filter = expression;
    } else {
        // As 4.9.x, only a pull that relies on the heartbeat's subscription
        // is checked against the model the heartbeat announced.
        if (!settings.consume_broadcast_enable && ctx.consumers().broadcasting(group))
            return ctx.fail(response_code::no_permission,
                            "the consumer group[" + group + "] can not consume by broadcast way");
        // Push consumers leave the subscription to their heartbeat (spec 2.4.2).
        auto registered = ctx.consumers().find_subscription(group, read.topic);
        if (!registered)
            return ctx.fail(response_code::subscription_not_exist,
                            "the consumer's subscription not exist: group " + group + " sent no heartbeat subscribing to " +
                                read.topic);
        if (registered->sub_version < sub_version)
            return ctx.fail(response_code::subscription_not_latest, "the consumer's subscription not latest");
        read.filter = std::move(registered->sub_string);
        expression_type = std::move(registered->expression_type);
    }
    read.filter_kind = expression_type == "SQL92" ? engine::filter_language::sql92 : engine::filter_language::tag;
    if (sys_flag & pull_sys_flag::suspend)
        read.wait = std::min(std::chrono::milliseconds(std::max<std::int64_t>(suspend, 0)), max_suspend);
    read.stored_form = true;

    const auto queue = ctx.engine().query_queue(read.topic, read.queue_id);
    if (!queue) return ctx.fail(to_response_code(queue.error()), queue.error().message());
    if ((sys_flag & pull_sys_flag::commit_offset) && commit_offset >= 0)
        ctx.engine().commit_offset(ctx.operation(), group, read.topic, read.queue_id, commit_offset);
    const auto [min, max] = std::pair{queue->min_offset, queue->max_offset};
    if (max == 0 && read.offset != 0)
        return ctx.respond(pull_response(ctx, response_code::pull_offset_moved, 0, min, max));
    if (read.offset < min) return ctx.respond(pull_response(ctx, response_code::pull_offset_moved, min, min, max));
    if (read.offset > max) return ctx.respond(pull_response(ctx, response_code::pull_offset_moved, max, min, max));

    const auto offset = read.offset;
    ctx.engine().read(ctx.operation(), std::move(read), [ctx, offset](result<engine::read_result> got) {
        if (!got) return ctx.fail(to_response_code(got.error()), got.error().message());
        if (got->records.empty()) {
            // Scanned entries that the filter refused: the client asks again from next.
            const auto code =
                got->next_offset > offset ? response_code::pull_retry_immediately : response_code::pull_not_found;
            return ctx.respond(
                pull_response(ctx, code, std::max(got->next_offset, offset), got->min_offset, got->max_offset));
        }
        trim(*got);
        ctx.respond(pull_response(ctx, response_code::success, got->next_offset, got->min_offset, got->max_offset),
                    std::move(got->records));
    });
}

} // namespace gantry::protocols::remoting::handlers
