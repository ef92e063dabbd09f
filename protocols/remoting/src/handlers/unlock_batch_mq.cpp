#include "../lock_batch_body.hpp"
#include "../queue_lock_table.hpp"
#include "../remoting_log.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// Releases the queues the client holds. Java clients send it one-way (no
// response leaves); Go and C++ clients' "one-way" arrives with flag 0 and is
// answered, SUCCESS without a body.
void unlock_batch_mq(request_context ctx) {
    auto body = parse_lock_batch_request(ctx.request().body);
    if (!body) {
        remoting_log()->warn("UNLOCK_BATCH_MQ from {} has a body that is not UnlockBatchRequestBody JSON; no queue "
                             "is unlocked, the locks expire after 60 s (check the client's version)",
                             ctx.remote_address());
        return ctx.fail(response_code::system_error,
                        "the UnlockBatchRequestBody is not valid: " + body.error().message());
    }
    ctx.queue_locks().unlock(body->consumer_group, body->client_id, body->queues);
    ctx.respond(ctx.response(response_code::success));
}

} // namespace gantry::protocols::remoting::handlers
