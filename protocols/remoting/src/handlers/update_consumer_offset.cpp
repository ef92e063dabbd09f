#include "gantry/protocols/remoting/header_reader.hpp"
#include "../remoting_mapping.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

void update_consumer_offset(request_context ctx) {
    header_reader h(ctx.request());
    const auto group = h.text("consumerGroup");
    const auto topic = h.text("topic");
    const auto queue_id = h.int32("queueId");
    const auto offset = h.int64("commitOffset");
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
    if (const auto error = ctx.engine().commit_offset(ctx.operation(), group, topic, queue_id, offset))
        return ctx.fail(to_response_code(error), error.message());
    ctx.respond(ctx.response(response_code::success));
}

} // namespace gantry::protocols::remoting::handlers
