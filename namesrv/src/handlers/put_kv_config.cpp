#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::namesrv::handlers {

using namespace protocols::remoting;

remoting_command put_kv_config(const handler_context& ctx) {
    header_reader h(ctx.request);
    const auto name_space = h.text("namespace");
    const auto key = h.text("key");
    auto value = h.text("value");
    if (auto remark = h.failure()) return make_response(ctx.request, response_code::system_error, *remark);
    ctx.kv.put(name_space, key, std::move(value));
    return make_response(ctx.request, response_code::success);
}

} // namespace gantry::namesrv::handlers
