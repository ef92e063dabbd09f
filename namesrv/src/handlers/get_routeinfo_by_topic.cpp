#include "../namesrv_json.hpp"
#include "gantry/namesrv/name_server.hpp"
#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::namesrv::handlers {

using namespace protocols::remoting;

// Always standard JSON (quoted brokerAddrs keys), whatever the client's
// version or acceptStandardJsonOnly; orderTopicConf whenever the
// ORDER_TOPIC_CONFIG namespace names the topic (Java: with orderMessageEnable).
remoting_command get_routeinfo_by_topic(const handler_context& ctx) {
    header_reader h(ctx.request);
    const auto topic = h.text("topic");
    if (auto remark = h.failure()) return make_response(ctx.request, response_code::system_error, *remark);
    auto route = ctx.routes.route(topic);
    if (!route) {
        return make_response(ctx.request, response_code::topic_not_exist,
                             "No topic route info in name server for the topic: " + topic);
    }
    route->order_topic_conf = ctx.kv.get(order_topic_config_namespace, topic);
    auto response = make_response(ctx.request, response_code::success);
    set_body(response, topic_route_json(*route));
    return response;
}

} // namespace gantry::namesrv::handlers
