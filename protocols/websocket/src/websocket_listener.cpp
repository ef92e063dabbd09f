#include "gantry/protocols/websocket/websocket_listener.hpp"

#include <fmt/format.h>

#include "gantry/protocols/common/listen_socket.hpp"
#include "gantry/protocols/common/tcp_stream.hpp"
#include "gantry/protocols/common/tls_context.hpp"
#include "gantry/protocols/common/tls_stream.hpp"
#include "http_exchange.hpp"
#include "websocket_log.hpp"
#include "websocket_site.hpp"

namespace gantry::protocols::websocket {

namespace {

std::shared_ptr<const common::connection::profile> route_profile(const websocket_route& route,
                                                                 const websocket_site& site) {
    auto limits = route.limits;
    const auto websocket_idle = site.config.idle_timeout;
    if (websocket_idle.count() > 0 && (limits.idle_timeout.count() == 0 || websocket_idle < limits.idle_timeout))
        limits.idle_timeout = websocket_idle;
    return std::make_shared<const common::connection::profile>(common::connection::profile{
        fmt::format("{} over WebSocket", route.module->name()), std::move(limits), site.admitted});
}

std::shared_ptr<websocket_site> make_site(std::vector<websocket_route> routes, websocket_listener_config config,
                                          std::optional<std::string>& problem) {
    auto site = std::make_shared<websocket_site>();
    site->routes = std::move(routes);
    site->config = std::move(config);
    for (const auto& route : site->routes) site->profiles.push_back(route_profile(route, *site));
    if (site->config.static_dir.empty()) return site;
    std::error_code error;
    site->static_root = std::filesystem::canonical(site->config.static_dir, error);
    if (error || !std::filesystem::is_directory(site->static_root, error)) {
        problem = fmt::format("websocket.staticDir '{}' is not a directory; set it to the folder of the pages to "
                              "serve, or to \"\" for none",
                              site->config.static_dir.string());
    }
    return site;
}

common::acceptor_settings settings_of(const websocket_site& site) {
    return {site.config.tls ? "WebSocket over TLS" : "WebSocket",
            site.config.host,
            site.config.port,
            {"listenHost", site.config.port_key},
            site.config.max_connections,
            "websocket.maxConnections",
            site.admitted};
}

} // namespace

websocket_listener::websocket_listener(asio::io_context& accept_context, common::io_pool& pool,
                                       std::vector<websocket_route> routes, websocket_listener_config config)
    : site_(make_site(std::move(routes), std::move(config), site_problem_)),
      acceptor_(accept_context, pool, settings_of(*site_),
                [site = site_](common::accepted_tcp_socket socket, std::uint64_t id) {
                    std::unique_ptr<common::byte_stream> stream;
                    if (site->config.tls)
                        stream = std::make_unique<common::tls_stream>(std::move(socket), site->config.tls->current());
                    else
                        stream = std::make_unique<common::tcp_stream>(std::move(socket));
                    auto exchange = std::make_shared<http_exchange>(std::move(stream), site, id);
                    asio::post(exchange->executor(), [exchange] { exchange->start(); });
                }) {}

websocket_listener::~websocket_listener() = default;

std::optional<common::listen_error> websocket_listener::start() {
    const auto where = common::host_port(site_->config.host, site_->config.port);
    auto refuse_start = [&](const std::string& problem) {
        return common::listen_error{std::make_error_code(std::errc::invalid_argument),
                                    fmt::format("cannot listen on {} (WebSocket): {}", where, problem)};
    };
    if (site_->subprotocols().empty())
        return refuse_start("no protocol module offers a WebSocket subprotocol; set websocketPort to 0");
    for (const auto& route : site_->routes)
        if (auto problem = route.limits.validate()) return refuse_start(*problem);
    if (site_problem_) return refuse_start(*site_problem_);
    if (auto problem = acceptor_.start()) return problem;
    websocket_log()->info("WebSocket and HTTP{} listening on {} (subprotocols {}; static files {})",
                          site_->config.tls ? " over TLS" : "", common::host_port(site_->config.host, acceptor_.port()),
                          fmt::join(site_->subprotocols(), ", "),
                          site_->static_root.empty() ? std::string("off") : site_->static_root.string());
    return std::nullopt;
}

void websocket_listener::stop() { acceptor_.stop(); }

std::uint16_t websocket_listener::port() const noexcept { return acceptor_.port(); }

std::size_t websocket_listener::live_connections() const noexcept { return acceptor_.live_connections(); }

std::vector<std::string> websocket_listener::subprotocols() const { return site_->subprotocols(); }

} // namespace gantry::protocols::websocket
