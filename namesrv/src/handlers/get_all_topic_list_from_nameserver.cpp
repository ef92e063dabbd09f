#include "../namesrv_json.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::namesrv::handlers {

using namespace protocols::remoting;

remoting_command get_all_topic_list_from_nameserver(const handler_context& ctx) {
    auto response = make_response(ctx.request, response_code::success);
    set_body(response, topic_list_json(ctx.routes.topics()));
    return response;
}

} // namespace gantry::namesrv::handlers
