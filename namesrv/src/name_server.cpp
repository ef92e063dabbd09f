#include "gantry/namesrv/name_server.hpp"

#include <utility>

#include "gantry/protocols/remoting/request_code.hpp"
#include "handlers/handlers.hpp"
#include "namesrv_log.hpp"

namespace gantry::namesrv {

namespace {

namespace code = protocols::remoting::request_code;
using handler = protocols::remoting::remoting_command (*)(const handlers::handler_context&);

handler find_handler(std::int32_t request_code) {
    switch (request_code) {
    case code::put_kv_config: return handlers::put_kv_config;
    case code::get_kv_config: return handlers::get_kv_config;
    case code::delete_kv_config: return handlers::delete_kv_config;
    case code::register_broker: return handlers::register_broker;
    case code::unregister_broker: return handlers::unregister_broker;
    case code::get_routeinfo_by_topic: return handlers::get_routeinfo_by_topic;
    case code::get_broker_cluster_info: return handlers::get_broker_cluster_info;
    case code::get_all_topic_list_from_nameserver: return handlers::get_all_topic_list_from_nameserver;
    case code::delete_topic_in_namesrv: return handlers::delete_topic_in_namesrv;
    case code::get_kvlist_by_namespace: return handlers::get_kvlist_by_namespace;
    case code::get_topics_by_cluster: return handlers::get_topics_by_cluster;
    case code::query_data_version: return handlers::query_data_version;
    default: return nullptr;
    }
}

} // namespace

name_server::name_server(std::filesystem::path kv_config_path) : kv_(std::move(kv_config_path)) {}

std::optional<std::string> name_server::load() { return kv_.load(); }

std::optional<protocols::remoting::remoting_command> name_server::handle(
    const protocols::remoting::remoting_command& request, connection_key channel) {
    const auto serve = find_handler(request.code);
    if (serve == nullptr) return std::nullopt;
    return serve(handlers::handler_context{request, routes_, kv_, channel, std::chrono::steady_clock::now()});
}

registration_result name_server::register_broker(const broker_registration& registration) {
    auto result = routes_.register_broker(registration, in_process, std::chrono::steady_clock::now());
    if (result.new_address) {
        namesrv_log()->info("broker {} ({}, id {}) of cluster {} registered in-process", registration.broker_name,
                            registration.broker_addr, registration.broker_id, registration.cluster_name);
    }
    return result;
}

void name_server::connection_closed(connection_key channel) {
    for (const auto& gone : routes_.connection_closed(channel)) {
        namesrv_log()->info("broker {} ({}) of cluster {} left: the connection it registered over closed",
                            gone.broker_name, gone.broker_addr, gone.cluster);
    }
}

std::vector<removed_broker> name_server::expire_silent_brokers(std::chrono::steady_clock::time_point now) {
    auto removed = routes_.expire(now);
    for (const auto& gone : removed) {
        namesrv_log()->warn("broker {} ({}) of cluster {} sent no REGISTER_BROKER for {} s: removed it and its "
                            "routes; brokers register every 30 s, so check that broker and the network to it",
                            gone.broker_name, gone.broker_addr, gone.cluster,
                            std::chrono::duration_cast<std::chrono::seconds>(gone.silent_for).count());
    }
    return removed;
}

} // namespace gantry::namesrv
