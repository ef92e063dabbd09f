#include <nlohmann/json.hpp>

#include "../consumer_registry.hpp"
#include "gantry/protocols/remoting/header_reader.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

void get_consumer_list_by_group(request_context ctx) {
    header_reader h(ctx.request());
    const auto group = h.text("consumerGroup");
    if (auto remark = h.failure()) return ctx.fail(response_code::system_error, *remark);
    const auto ids = ctx.consumers().consumer_ids(group);
    // Java's answer (and remark) when the group has no live consumer.
    if (ids.empty()) return ctx.fail(response_code::system_error, "no consumer for this group, " + group);
    auto response = ctx.response(response_code::success);
    // GetConsumerListByGroupResponseBody; client ids are the clients' own
    // text, so invalid UTF-8 is replaced rather than failing the dump.
    const nlohmann::json body = {{"consumerIdList", ids}};
    set_body(response, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    ctx.respond(std::move(response));
}

} // namespace gantry::protocols::remoting::handlers
