#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// Nothing is registered per client yet (see heart_beat), so nothing to forget.
void unregister_client(request_context ctx) { ctx.respond(ctx.response(response_code::success)); }

} // namespace gantry::protocols::remoting::handlers
