#include <string>

#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"
#include "send_message.hpp"

namespace gantry::protocols::remoting::handlers {

void send_batch_message(request_context ctx) {
    ctx.fail(response_code::system_error, std::string(batch_refused_remark));
}

} // namespace gantry::protocols::remoting::handlers
