#include "gantry/protocols/remoting/header_reader.hpp"
#include "../route_json.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// Only topics that exist have a route, as on a name server: for an unknown
// topic Java and C++ producers then ask for TBW102's route (present while
// automatic creation is on) and send with defaultTopic=TBW102, which creates
// the topic. %RETRY% topics exist once their group's heartbeat arrived.
void get_routeinfo_by_topic(request_context ctx) {
    header_reader h(ctx.request());
    const auto topic = h.text("topic");
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
    const auto info = ctx.engine().find_topic(topic);
    if (!info)
        return ctx.fail(response_code::topic_not_exist, "No topic route info in name server for the topic: " + topic);
    auto response = ctx.response(response_code::success);
    set_body(response, topic_route_json(*info, ctx.identity()));
    ctx.respond(std::move(response));
}

} // namespace gantry::protocols::remoting::handlers
