#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include "gantry/namesrv/kv_config.hpp"
#include "gantry/namesrv/route_table.hpp"
#include "gantry/protocols/remoting/remoting_command.hpp"

// One function per request code, each in handlers/<name>.cpp.
namespace gantry::namesrv::handlers {

using protocols::remoting::remoting_command;

// What a handler may use: the request and the name server's two tables.
struct handler_context {
    const remoting_command& request;
    route_table& routes;
    kv_config& kv;
    connection_key channel;
    std::chrono::steady_clock::time_point now;
};

remoting_command put_kv_config(const handler_context& ctx);           // 100
remoting_command get_kv_config(const handler_context& ctx);           // 101
remoting_command delete_kv_config(const handler_context& ctx);        // 102
remoting_command register_broker(const handler_context& ctx);         // 103
remoting_command unregister_broker(const handler_context& ctx);       // 104
remoting_command get_routeinfo_by_topic(const handler_context& ctx);  // 105
remoting_command get_broker_cluster_info(const handler_context& ctx); // 106
remoting_command get_all_topic_list_from_nameserver(const handler_context& ctx); // 206
remoting_command delete_topic_in_namesrv(const handler_context& ctx); // 216
remoting_command get_kvlist_by_namespace(const handler_context& ctx); // 219
remoting_command get_topics_by_cluster(const handler_context& ctx);   // 224
remoting_command query_data_version(const handler_context& ctx);      // 322

// A response body of JSON text.
inline void set_body(remoting_command& response, std::string_view json) {
    const auto* bytes = reinterpret_cast<const std::byte*>(json.data());
    response.body.assign(bytes, bytes + json.size());
}

} // namespace gantry::namesrv::handlers
