#include "gantry/protocols/common/tcp_listener.hpp"

#include <fmt/format.h>

#include "gantry/protocols/common/connection.hpp"
#include "gantry/protocols/common/listen_socket.hpp"
#include "gantry/protocols/common/tcp_stream.hpp"
#include "gantry/protocols/common/tls_context.hpp"
#include "gantry/protocols/common/tls_stream.hpp"
#include "listener_log.hpp"

namespace gantry::protocols::common {

namespace {

std::string name_of(const protocol_module& module, const listener_config& config) {
    return config.tls ? std::string(module.name()) + " over TLS" : std::string(module.name());
}

acceptor_settings settings_of(const protocol_module& module, const listener_config& config,
                              std::shared_ptr<admission> admitted) {
    return {name_of(module, config),
            config.host,
            config.port,
            {config.limits.key("listenHost"),
             config.port_key.empty() ? config.limits.key("listenPort") : config.port_key},
            config.limits.max_connections,
            config.limits.key("maxConnections"),
            std::move(admitted)};
}

} // namespace

tcp_listener::tcp_listener(asio::io_context& accept_context, io_pool& pool, std::shared_ptr<protocol_module> module,
                           listener_config config)
    : module_(std::move(module)),
      config_(std::move(config)),
      acceptor_(accept_context, pool, settings_of(*module_, config_, admitted_),
                [module = module_, tls = config_.tls,
                 profile = std::make_shared<const connection::profile>(
                     connection::profile{name_of(*module_, config_), config_.limits, admitted_})](
                    accepted_tcp_socket socket, std::uint64_t id) {
                    std::unique_ptr<byte_stream> stream;
                    if (tls) stream = std::make_unique<tls_stream>(std::move(socket), tls->current());
                    else stream = std::make_unique<tcp_stream>(std::move(socket));
                    auto conn = std::make_shared<connection>(std::move(stream), connection::options{id, profile});
                    asio::post(conn->executor(), [conn, module] { conn->start(*module); });
                }) {}

tcp_listener::~tcp_listener() = default;

std::optional<listen_error> tcp_listener::start() {
    if (auto problem = config_.limits.validate()) {
        return listen_error{std::make_error_code(std::errc::invalid_argument),
                            fmt::format("cannot listen on {} ({}): {}", host_port(config_.host, config_.port),
                                        module_->name(), *problem)};
    }
    if (auto problem = acceptor_.start()) return problem;
    listener_log()->info("{} listening on {}", name_of(*module_, config_), host_port(config_.host, acceptor_.port()));
    return std::nullopt;
}

void tcp_listener::stop() { acceptor_.stop(); }

std::uint16_t tcp_listener::port() const noexcept { return acceptor_.port(); }

std::size_t tcp_listener::live_connections() const noexcept { return acceptor_.live_connections(); }

} // namespace gantry::protocols::common
