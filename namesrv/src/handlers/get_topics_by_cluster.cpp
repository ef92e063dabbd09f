#include "../namesrv_json.hpp"
#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::namesrv::handlers {

using namespace protocols::remoting;

remoting_command get_topics_by_cluster(const handler_context& ctx) {
    header_reader h(ctx.request);
    const auto cluster = h.text("cluster");
    if (auto remark = h.failure()) return make_response(ctx.request, response_code::system_error, *remark);
    auto response = make_response(ctx.request, response_code::success);
    set_body(response, topic_list_json(ctx.routes.topics_of_cluster(cluster)));
    return response;
}

} // namespace gantry::namesrv::handlers
