#include "../namesrv_json.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::namesrv::handlers {

using namespace protocols::remoting;

remoting_command get_broker_cluster_info(const handler_context& ctx) {
    auto response = make_response(ctx.request, response_code::success);
    set_body(response, cluster_info_json(ctx.routes.clusters()));
    return response;
}

} // namespace gantry::namesrv::handlers
