#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// The next offset to be written.
void get_max_offset(request_context ctx) { reply_queue_offset(std::move(ctx), &engine::queue_state::max_offset); }

} // namespace gantry::protocols::remoting::handlers
