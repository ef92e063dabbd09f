#include "../namesrv_json.hpp"
#include "../namesrv_log.hpp"
#include "gantry/namesrv/name_server.hpp"
#include "gantry/namesrv/register_broker_body.hpp"
#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "gantry/store/message_record.hpp"
#include "handlers.hpp"

namespace gantry::namesrv::handlers {

using namespace protocols::remoting;

remoting_command register_broker(const handler_context& ctx) {
    header_reader h(ctx.request);
    auto broker_name = h.text("brokerName");
    auto broker_addr = h.text("brokerAddr");
    auto cluster_name = h.text("clusterName");
    auto ha_server_addr = h.text("haServerAddr");
    const auto broker_id = h.int64("brokerId");
    const bool compressed = h.boolean_or("compressed", false);
    const auto crc = h.int32_or("bodyCrc32", 0);
    if (auto remark = h.failure()) return make_response(ctx.request, response_code::system_error, *remark);

    if (crc != 0 && store::body_crc32(ctx.request.body) != crc) {
        namesrv_log()->warn("refused REGISTER_BROKER of {} ({}): the body does not match its bodyCrc32 {}; the "
                            "bytes were damaged on the way",
                            broker_name, broker_addr, crc);
        return make_response(ctx.request, response_code::system_error, "crc32 not match");
    }
    broker_registration registration;
    if (!ctx.request.body.empty()) {
        auto parsed = parse_register_broker_body(ctx.request.body, compressed);
        if (!parsed) {
            namesrv_log()->warn("refused REGISTER_BROKER of {} ({}): {}", broker_name, broker_addr,
                                parsed.error().message());
            return make_response(ctx.request, response_code::system_error, parsed.error().message());
        }
        registration = std::move(*parsed);
    }
    registration.cluster_name = std::move(cluster_name);
    registration.broker_name = std::move(broker_name);
    registration.broker_addr = std::move(broker_addr);
    registration.broker_id = broker_id;
    registration.ha_server_addr = std::move(ha_server_addr);

    auto result = ctx.routes.register_broker(registration, ctx.channel, ctx.now);
    if (result.new_address) {
        namesrv_log()->info("broker {} ({}, id {}) of cluster {} registered with {} topics", registration.broker_name,
                            registration.broker_addr, registration.broker_id, registration.cluster_name,
                            registration.topics.size());
    }
    auto response = make_response(ctx.request, response_code::success);
    if (result.master_addr) response.set_ext("masterAddr", std::move(*result.master_addr));
    if (result.ha_server_addr) response.set_ext("haServerAddr", std::move(*result.ha_server_addr));
    if (const auto order = ctx.kv.list(order_topic_config_namespace)) set_body(response, kv_table_json(*order));
    return response;
}

} // namespace gantry::namesrv::handlers
