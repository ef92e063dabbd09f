#include "../namesrv_log.hpp"
#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::namesrv::handlers {

using namespace protocols::remoting;

// Header `topic`, and 5.x's optional `clusterName` (only that cluster's
// brokers lose the topic). SUCCESS whether or not any broker hosted it, as Java.
remoting_command delete_topic_in_namesrv(const handler_context& ctx) {
    header_reader h(ctx.request);
    const auto topic = h.text("topic");
    const auto cluster = h.text_or("clusterName", "");
    if (auto remark = h.failure()) return make_response(ctx.request, response_code::system_error, *remark);
    if (topic.empty()) return make_response(ctx.request, response_code::system_error, "The specified topic is blank.");
    if (const auto removed = ctx.routes.delete_topic(topic, cluster); removed > 0)
        namesrv_log()->info("topic {} deleted from the routes of {} broker(s){}", topic, removed,
                            cluster.empty() ? std::string() : " of cluster " + cluster);
    return make_response(ctx.request, response_code::success);
}

} // namespace gantry::namesrv::handlers
