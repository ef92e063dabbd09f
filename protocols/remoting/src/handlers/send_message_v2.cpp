#include <utility>

#include "handlers.hpp"
#include "send_message.hpp"

namespace gantry::protocols::remoting::handlers {

void send_message_v2(request_context ctx) { send_with_keys(std::move(ctx), short_keys); }

} // namespace gantry::protocols::remoting::handlers
