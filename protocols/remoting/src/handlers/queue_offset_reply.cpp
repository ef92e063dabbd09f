#include <string>

#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

void reply_queue_offset(request_context ctx, std::int64_t engine::queue_state::*which) {
    header_reader h(ctx.request());
    const auto topic = h.text("topic");
    const auto queue_id = h.int32("queueId");
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
    // 0 for an unknown queue, as Java (spec 2.4.16).
    const auto queue = ctx.engine().query_queue(topic, queue_id);
    auto response = ctx.response(response_code::success);
    response.set_ext("offset", std::to_string(queue ? (*queue).*which : 0));
    ctx.respond(std::move(response));
}

} // namespace gantry::protocols::remoting::handlers
