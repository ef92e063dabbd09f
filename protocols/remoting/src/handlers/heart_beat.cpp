#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// Answered so clients keep the broker (they remember the response's version
// for feature checks); the HeartbeatData body is not stored yet, so pulls
// without the subscription bit cannot use a registered subscription.
void heart_beat(request_context ctx) { ctx.respond(ctx.response(response_code::success)); }

} // namespace gantry::protocols::remoting::handlers
