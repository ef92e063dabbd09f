#include "../route_json.hpp"
#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// Every topic, system and retry topics included, as brokers register them all.
void get_all_topic_list_from_nameserver(request_context ctx) {
    auto response = ctx.response(response_code::success);
    set_body(response, topic_list_json(ctx.engine().topic_names()));
    ctx.respond(std::move(response));
}

} // namespace gantry::protocols::remoting::handlers
