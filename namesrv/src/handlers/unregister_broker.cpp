#include "../namesrv_log.hpp"
#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::namesrv::handlers {

using namespace protocols::remoting;

remoting_command unregister_broker(const handler_context& ctx) {
    header_reader h(ctx.request);
    const auto broker_name = h.text("brokerName");
    const auto broker_addr = h.text("brokerAddr");
    const auto cluster_name = h.text("clusterName");
    const auto broker_id = h.int64("brokerId");
    if (auto remark = h.failure()) return make_response(ctx.request, response_code::system_error, *remark);
    ctx.routes.unregister_broker(cluster_name, broker_name, broker_addr, broker_id);
    namesrv_log()->info("broker {} ({}, id {}) of cluster {} unregistered", broker_name, broker_addr, broker_id,
                        cluster_name);
    return make_response(ctx.request, response_code::success);
}

} // namespace gantry::namesrv::handlers
