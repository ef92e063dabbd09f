#include "../namesrv_json.hpp"
#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::namesrv::handlers {

using namespace protocols::remoting;

remoting_command get_kvlist_by_namespace(const handler_context& ctx) {
    header_reader h(ctx.request);
    const auto name_space = h.text("namespace");
    if (auto remark = h.failure()) return make_response(ctx.request, response_code::system_error, *remark);
    const auto table = ctx.kv.list(name_space);
    if (!table) {
        return make_response(ctx.request, response_code::query_not_found, "No config item, Namespace: " + name_space);
    }
    auto response = make_response(ctx.request, response_code::success);
    set_body(response, kv_table_json(*table));
    return response;
}

} // namespace gantry::namesrv::handlers
