#include <string>

#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

void query_consumer_offset(request_context ctx) {
    header_reader h(ctx.request());
    const auto group = h.text("consumerGroup");
    const auto topic = h.text("topic");
    const auto queue_id = h.int32("queueId");
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
    auto offset = ctx.engine().committed_offset(group, topic, queue_id);
    // The JavaScript client stores offset 0 as -1: that is "no offset" too (spec appendix).
    if (offset && *offset < 0) offset.reset();
    if (!offset) {
        // Java's rule for a group without an offset (spec 2.4.5): a queue that
        // still starts at 0 with its first record in memory (or no record at
        // all, or an unknown queue) is young, and the group starts from 0.
        const auto queue = ctx.engine().query_queue(topic, queue_id);
        if (!queue || (queue->min_offset <= 0 && queue->first_in_memory)) offset = 0;
    }
    if (!offset)
        return ctx.fail(response_code::query_not_found, "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first");
    auto response = ctx.response(response_code::success);
    response.set_ext("offset", std::to_string(*offset));
    ctx.respond(std::move(response));
}

} // namespace gantry::protocols::remoting::handlers
