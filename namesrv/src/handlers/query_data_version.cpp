#include <nlohmann/json.hpp>

#include "../data_version_json.hpp"
#include "gantry/namesrv/namesrv_error.hpp"
#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::namesrv::handlers {

using namespace protocols::remoting;

// A broker asks whether its topics changed since it registered (when it does
// not force registration): an unchanged one counts as a sign of life.
remoting_command query_data_version(const handler_context& ctx) {
    header_reader h(ctx.request);
    const auto broker_addr = h.text("brokerAddr");
    h.text("brokerName");
    h.text("clusterName");
    h.int64("brokerId");
    if (auto remark = h.failure()) return make_response(ctx.request, response_code::system_error, *remark);
    const auto* text = reinterpret_cast<const char*>(ctx.request.body.data());
    const auto version =
        parse_data_version(nlohmann::json::parse(text, text + ctx.request.body.size(), nullptr, false));
    if (!version) {
        return make_response(ctx.request, response_code::system_error,
                             make_error_code(namesrv_errc::malformed_data_version).message());
    }
    const bool changed = ctx.routes.data_version_changed(broker_addr, *version);
    if (!changed) ctx.routes.touch(broker_addr, ctx.now);
    auto response = make_response(ctx.request, response_code::success);
    response.set_ext("changed", changed ? "true" : "false");
    if (const auto registered = ctx.routes.registered_version(broker_addr)) {
        set_body(response, data_version_json(*registered).dump());
    }
    return response;
}

} // namespace gantry::namesrv::handlers
