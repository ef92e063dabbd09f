#include <string>

#include <nlohmann/json.hpp>

#include "gantry/protocols/remoting/response_code.hpp"
#include "handlers.hpp"

namespace gantry::protocols::remoting::handlers {

// A KVTable ({"table":{...}}, spec 4.5) as mqadmin brokerStatus reads it: the
// version the broker claims, then what the broker reports of itself (each
// bridge's state under "bridge.<name>.").
void get_broker_runtime_info(request_context ctx) {
    nlohmann::json table = nlohmann::json::object();
    table["brokerVersion"] = std::to_string(broker_version);
    table["brokerVersionDesc"] = "V4_9_8";
    for (auto& [name, value] : ctx.runtime_info()) table[name] = std::move(value);
    auto response = ctx.response(response_code::success);
    set_body(response, nlohmann::json{{"table", std::move(table)}}.dump(-1, ' ', false,
                                                                         nlohmann::json::error_handler_t::replace));
    ctx.respond(std::move(response));
}

} // namespace gantry::protocols::remoting::handlers
