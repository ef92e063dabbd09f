#include "../lock_batch_body.hpp"
#include "../queue_lock_table.hpp"
#include "../remoting_log.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// An orderly consumer locks (or renews) the queues it was allocated; the
// body lists the ones it now holds, the others stay with their live holder.
void lock_batch_mq(request_context ctx) {
    auto body = parse_lock_batch_request(ctx.request().body);
    if (!body) {
        remoting_log()->warn("LOCK_BATCH_MQ from {} has a body that is not LockBatchRequestBody JSON; no queue is "
                             "locked (check the client's version)",
                             ctx.remote_address());
        return ctx.fail(response_code::system_error,
                        "the LockBatchRequestBody is not valid: " + body.error().message());
    }
    const auto locked = ctx.queue_locks().lock(body->consumer_group, body->client_id, body->queues);
    auto response = ctx.response(response_code::success);
    set_body(response, lock_ok_json(locked));
    ctx.respond(std::move(response));
}

} // namespace gantry::protocols::remoting::handlers
