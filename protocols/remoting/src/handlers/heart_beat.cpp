#include <memory>
#include <set>
#include <string>

#include "../consumer_registry.hpp"
#include "../heartbeat_data.hpp"
#include "../remoting_log.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

namespace {

// The heartbeat's groups whose settings turn NOTIFY_CONSUMER_IDS_CHANGED off.
std::set<std::string> quiet_groups(const request_context& ctx, const heartbeat_data& data) {
    std::set<std::string> quiet;
    for (const auto& consumer : data.consumers)
        if (!notifies_consumers(ctx, consumer.group_name)) quiet.insert(consumer.group_name);
    return quiet;
}

} // namespace

// Registers the client's consumers (producers are not kept yet) and makes
// sure each group's retry topic exists, as Java's broker does, so the
// %RETRY% route clients ask for next is there. Answered once every retry
// topic is declared and the name servers know it.
void heart_beat(request_context ctx) {
    auto data = parse_heartbeat_data(ctx.request().body);
    if (!data) {
        remoting_log()->warn("HEART_BEAT from {} has a body that is not HeartbeatData JSON; the client is not "
                             "registered (check the client's version)",
                             ctx.remote_address());
        return ctx.fail(response_code::system_error, "the HeartbeatData body is not valid: " + data.error().message());
    }
    ctx.consumers().heartbeat(*data, ctx.connection(), {ctx.request().language, ctx.request().version},
                              quiet_groups(ctx, *data));

    // Declares complete on this connection's executor, like the request itself.
    auto pending = std::make_shared<std::size_t>(1);
    auto finish_one = [ctx, pending](std::error_code error) {
        if (error)
            remoting_log()->warn("cannot create a retry topic for a consumer of {}: {}", ctx.remote_address(),
                                 error.message());
        if (--*pending == 0) ctx.after_topics_published([ctx] { ctx.respond(ctx.response(response_code::success)); });
    };
    for (const auto& consumer : data->consumers) {
        if (consumer.group_name.empty()) continue;
        ++*pending;
        ctx.engine().declare(ctx.operation(), {"%RETRY%" + consumer.group_name, 1}, finish_one);
    }
    finish_one({});
}

} // namespace gantry::protocols::remoting::handlers
