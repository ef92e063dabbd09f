#include "gantry/protocols/websocket/websocket_listener.hpp"

#include <future>
#include <unordered_map>

#include <fmt/format.h>

#include "gantry/protocols/common/listen_socket.hpp"
#include "gantry/protocols/common/tcp_stream.hpp"
#include "http_exchange.hpp"
#include "websocket_log.hpp"
#include "websocket_site.hpp"

namespace gantry::protocols::websocket {

namespace {

using error_code = boost::system::error_code;

// After a failed accept (out of file descriptors, most likely), wait this long
// before the next one instead of spinning.
constexpr auto accept_retry_delay = std::chrono::milliseconds(100);
// How long stop() waits for the accept context to take the request.
constexpr auto stop_wait = std::chrono::seconds(5);

const common::listen_keys keys{"listenHost", "websocketPort"};

} // namespace

class websocket_listener::state : public std::enable_shared_from_this<state> {
public:
    state(asio::io_context& accept_context, common::io_pool& pool, std::vector<websocket_route> routes,
          websocket_listener_config config)
        : strand_(asio::make_strand(accept_context)), acceptor_(strand_), retry_timer_(strand_), pool_(pool) {
        auto site = std::make_shared<websocket_site>();
        site->routes = std::move(routes);
        site->config = std::move(config);
        site_ = std::move(site);
    }

    // Runs on the caller's thread; nothing else touches the acceptor until
    // the first accept is posted.
    std::optional<common::listen_error> start() {
        auto site = std::make_shared<websocket_site>(*site_);
        const auto where = common::host_port(site->config.host, site->config.port);
        auto refuse_start = [&](std::string problem) {
            return common::listen_error{std::make_error_code(std::errc::invalid_argument),
                                        fmt::format("cannot listen on {} (WebSocket): {}", where, problem)};
        };
        if (site->subprotocols().empty()) {
            return refuse_start("no protocol module offers a WebSocket subprotocol; set websocketPort to 0");
        }
        for (const auto& route : site->routes) {
            if (auto problem = route.limits.validate()) {
                return refuse_start(*problem);
            }
        }
        if (!site->config.static_dir.empty()) {
            std::error_code error;
            site->static_root = std::filesystem::canonical(site->config.static_dir, error);
            if (error || !std::filesystem::is_directory(site->static_root, error)) {
                return refuse_start(fmt::format("websocket.staticDir '{}' is not a directory; set it to the folder "
                                                "of the pages to serve, or to \"\" for none",
                                                site->config.static_dir.string()));
            }
        }
        site_ = std::move(site);
        if (auto problem = common::open_listen_socket(acceptor_, site_->config.host, site_->config.port, "WebSocket",
                                                      keys)) {
            return problem;
        }
        error_code error;
        port_ = acceptor_.local_endpoint(error).port();
        started_ = true;
        websocket_log()->info("WebSocket and HTTP listening on {} (subprotocols {}; static files {})",
                              common::host_port(site_->config.host, port_), fmt::join(site_->subprotocols(), ", "),
                              site_->static_root.empty() ? std::string("off") : site_->static_root.string());
        asio::post(strand_, [self = shared_from_this()] { self->accept(); });
        return std::nullopt;
    }

    void stop() {
        if (stopped_) {
            return;
        }
        stopped_ = true;
        error_code ignored;
        acceptor_.close(ignored);
        retry_timer_.cancel();
        if (started_) {
            websocket_log()->info("WebSocket listener on {} stopped; closing {} connections",
                                  common::host_port(site_->config.host, port_), exchanges_.size());
        }
        for (const auto& [id, weak] : exchanges_) {
            if (auto exchange = weak.lock()) {
                asio::post(exchange->executor(), [exchange] { exchange->abort(); });
            }
        }
    }

    std::vector<std::string> subprotocols() const { return site_->subprotocols(); }
    bool running_here() const noexcept { return strand_.running_in_this_thread(); }
    void post(std::function<void()> work) { asio::post(strand_, std::move(work)); }

    std::atomic<std::uint16_t> port_{0};
    std::atomic<std::size_t> live_{0};
    std::atomic<bool> started_{false};

private:
    void accept() {
        if (stopped_) {
            return;
        }
        acceptor_.async_accept(asio::any_io_executor(pool_.next().get_executor()),
                               [self = shared_from_this()](const error_code& error, asio::ip::tcp::socket socket) {
                                   self->on_accept(error, std::move(socket));
                               });
    }

    void on_accept(const error_code& error, asio::ip::tcp::socket socket) {
        if (stopped_) {
            return;
        }
        if (error) {
            if (error == asio::error::operation_aborted) {
                return;
            }
            warnings_.warn(fmt::format("WebSocket listener on {}: accept failed: {}; retrying",
                                       common::host_port(site_->config.host, port_), error.message()));
            retry_timer_.expires_after(accept_retry_delay);
            retry_timer_.async_wait([self = shared_from_this()](const error_code& timer_error) {
                if (!timer_error) {
                    self->accept();
                }
            });
            return;
        }
        if (exchanges_.size() >= site_->config.max_connections) {
            refuse(std::move(socket));
        } else {
            admit(std::move(socket));
        }
        accept();
    }

    void admit(asio::ip::tcp::socket socket) {
        const std::uint64_t id = next_id_++;
        auto on_done = [weak = weak_from_this(), id] {
            if (auto self = weak.lock()) {
                asio::post(self->strand_, [self, id] { self->forget(id); });
            }
        };
        auto exchange = std::make_shared<http_exchange>(std::move(socket), site_, id, std::move(on_done));
        exchanges_.emplace(id, exchange);
        live_ = exchanges_.size();
        asio::post(exchange->executor(), [exchange] { exchange->start(); });
    }

    void refuse(asio::ip::tcp::socket socket) {
        error_code ignored;
        const auto remote = socket.remote_endpoint(ignored);
        socket.close(ignored);
        warnings_.warn(fmt::format("WebSocket: refused the connection from {}: {} connections are open (limit "
                                   "websocket.maxConnections = {}); raise the limit or find the client that opens so "
                                   "many",
                                   ignored ? std::string("an unknown peer") : common::endpoint_text(remote),
                                   exchanges_.size(), site_->config.max_connections));
    }

    void forget(std::uint64_t id) {
        exchanges_.erase(id);
        live_ = exchanges_.size();
    }

    asio::strand<asio::io_context::executor_type> strand_;
    asio::ip::tcp::acceptor acceptor_;
    asio::steady_timer retry_timer_;
    common::io_pool& pool_;
    std::shared_ptr<const websocket_site> site_;
    std::unordered_map<std::uint64_t, std::weak_ptr<http_exchange>> exchanges_;
    std::uint64_t next_id_ = 1;
    bool stopped_ = false;
    common::warning_limiter warnings_;
};

websocket_listener::websocket_listener(asio::io_context& accept_context, common::io_pool& pool,
                                       std::vector<websocket_route> routes, websocket_listener_config config)
    : state_(std::make_shared<state>(accept_context, pool, std::move(routes), std::move(config))) {}

websocket_listener::~websocket_listener() {
    if (state_->started_) {
        stop();
    }
}

std::optional<common::listen_error> websocket_listener::start() {
    return state_->start();
}

void websocket_listener::stop() {
    if (stop_requested_.exchange(true)) return;
    if (state_->running_here()) {
        state_->stop();
        return;
    }
    auto done = std::make_shared<std::promise<void>>();
    auto taken = done->get_future();
    state_->post([self = state_, done] {
        self->stop();
        done->set_value();
    });
    if (taken.wait_for(stop_wait) != std::future_status::ready) {
        websocket_log()->error("WebSocket listener stop was not taken within {} s: is its accept context still running?",
                               stop_wait.count());
    }
}

std::uint16_t websocket_listener::port() const noexcept {
    return state_->port_;
}

std::size_t websocket_listener::live_connections() const noexcept {
    return state_->live_;
}

std::vector<std::string> websocket_listener::subprotocols() const {
    return state_->subprotocols();
}

} // namespace gantry::protocols::websocket
