#include "../consumer_registry.hpp"
#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// One group per request; producer groups are not registered, so only the
// consumer group matters.
void unregister_client(request_context ctx) {
    header_reader h(ctx.request());
    const auto client_id = h.text("clientID");
    const auto consumer_group = h.text_or("consumerGroup", "");
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
    if (!consumer_group.empty())
        ctx.consumers().unregister(client_id, consumer_group, notifies_consumers(ctx, consumer_group));
    ctx.respond(ctx.response(response_code::success));
}

} // namespace gantry::protocols::remoting::handlers
