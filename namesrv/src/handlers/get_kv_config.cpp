#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::namesrv::handlers {

using namespace protocols::remoting;

remoting_command get_kv_config(const handler_context& ctx) {
    header_reader h(ctx.request);
    const auto name_space = h.text("namespace");
    const auto key = h.text("key");
    if (auto remark = h.failure()) return make_response(ctx.request, response_code::system_error, *remark);
    auto value = ctx.kv.get(name_space, key);
    if (!value) {
        return make_response(ctx.request, response_code::query_not_found,
                             "No config item, Namespace: " + name_space + " Key: " + key);
    }
    auto response = make_response(ctx.request, response_code::success);
    response.set_ext("value", std::move(*value));
    return response;
}

} // namespace gantry::namesrv::handlers
