#include "../route_json.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

void get_broker_cluster_info(request_context ctx) {
    auto response = ctx.response(response_code::success);
    set_body(response, cluster_info_json(ctx.identity()));
    ctx.respond(std::move(response));
}

} // namespace gantry::protocols::remoting::handlers
