#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::namesrv::handlers {

using namespace protocols::remoting;

// SUCCESS whether or not the key existed, as Java.
remoting_command delete_kv_config(const handler_context& ctx) {
    header_reader h(ctx.request);
    const auto name_space = h.text("namespace");
    const auto key = h.text("key");
    if (auto remark = h.failure()) return make_response(ctx.request, response_code::system_error, *remark);
    ctx.kv.erase(name_space, key);
    return make_response(ctx.request, response_code::success);
}

} // namespace gantry::namesrv::handlers
