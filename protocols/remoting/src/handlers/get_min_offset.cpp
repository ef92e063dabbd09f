#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// The first offset still stored.
void get_min_offset(request_context ctx) { reply_queue_offset(std::move(ctx), &engine::queue_state::min_offset); }

} // namespace gantry::protocols::remoting::handlers
