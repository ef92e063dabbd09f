#include "gantry/protocols/common/tcp_listener.hpp"

#include <atomic>
#include <cctype>
#include <chrono>
#include <future>
#include <unordered_map>

#include <fmt/format.h>

#include "gantry/protocols/common/connection.hpp"
#include "gantry/protocols/common/tcp_stream.hpp"
#include "listener_log.hpp"

namespace gantry::protocols::common {

namespace {

using error_code = boost::system::error_code;

// After a failed accept (out of file descriptors, most likely), wait this long
// before the next one instead of spinning.
constexpr auto accept_retry_delay = std::chrono::milliseconds(100);
// At most one warning per this interval about refused or failed accepts; a
// flood of them must not flood the log.
constexpr auto warning_interval = std::chrono::seconds(10);
// How long stop() waits for the accept context to take the request.
constexpr auto stop_wait = std::chrono::seconds(5);

std::error_code to_std(const error_code& error) {
    if (error.category() == boost::system::system_category()) {
        return {error.value(), std::system_category()};
    }
    if (error.category() == boost::system::generic_category()) {
        return {error.value(), std::generic_category()};
    }
    return error;
}

std::string lowercase_first(std::string text) {
    if (!text.empty()) {
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    }
    return text;
}

std::string host_port(const std::string& host, std::uint16_t port) {
    return host.find(':') == std::string::npos ? fmt::format("{}:{}", host, port)
                                               : fmt::format("[{}]:{}", host, port);
}

std::string what_to_do(const std::error_code& error, const connection_limits& limits) {
    if (error == std::errc::address_in_use) {
        return fmt::format("stop the other process or set {}", limits.key("listenPort"));
    }
    if (error == std::errc::permission_denied) {
        return fmt::format("ports below 1024 need root or CAP_NET_BIND_SERVICE; set {}", limits.key("listenPort"));
    }
    if (error == std::errc::address_not_available) {
        return fmt::format("no network interface has that address; set {}", limits.key("listenHost"));
    }
    return fmt::format("check {} and {}", limits.key("listenHost"), limits.key("listenPort"));
}

} // namespace

class tcp_listener::state : public std::enable_shared_from_this<state> {
public:
    state(asio::io_context& accept_context, io_pool& pool, std::shared_ptr<protocol_module> module,
          listener_config config)
        : strand_(asio::make_strand(accept_context)),
          acceptor_(strand_),
          retry_timer_(strand_),
          pool_(pool),
          module_(std::move(module)),
          protocol_(module_->name()),
          config_(std::move(config)) {}

    // Runs on the caller's thread; nothing else touches the acceptor until
    // the first accept is posted.
    std::optional<listen_error> start() {
        const auto where = host_port(config_.host, config_.port);
        if (auto problem = config_.limits.validate()) {
            return listen_error{std::make_error_code(std::errc::invalid_argument),
                                fmt::format("cannot listen on {} ({}): {}", where, protocol_, *problem)};
        }
        auto fail = [&](const error_code& boost_error) {
            const auto error = to_std(boost_error);
            return listen_error{error, fmt::format("cannot listen on {} ({}): {}; {}", where, protocol_,
                                                   lowercase_first(error.message()),
                                                   what_to_do(error, config_.limits))};
        };
        error_code error;
        asio::ip::tcp::resolver resolver(strand_);
        const auto endpoints = resolver.resolve(config_.host, std::to_string(config_.port),
                                                asio::ip::tcp::resolver::passive |
                                                    asio::ip::tcp::resolver::numeric_service,
                                                error);
        if (error || endpoints.empty()) {
            return listen_error{to_std(error), fmt::format("cannot listen on {} ({}): {}; set {}", where, protocol_,
                                                           error ? lowercase_first(error.message())
                                                                 : std::string("the host has no address"),
                                                           config_.limits.key("listenHost"))};
        }
        const auto endpoint = endpoints.begin()->endpoint();
        if (acceptor_.open(endpoint.protocol(), error)) {
            return fail(error);
        }
        // A restarted broker must not wait for its old connections' TIME_WAIT.
        acceptor_.set_option(asio::socket_base::reuse_address(true), error);
        if (acceptor_.bind(endpoint, error) || acceptor_.listen(asio::socket_base::max_listen_connections, error)) {
            error_code ignored;
            acceptor_.close(ignored);
            return fail(error);
        }
        port_ = acceptor_.local_endpoint(error).port();
        started_ = true;
        listener_log()->info("{} listening on {}", protocol_, host_port(config_.host, port_));
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
            listener_log()->info("{} listener on {} stopped; closing {} connections", protocol_,
                                 host_port(config_.host, port_), connections_.size());
        }
        for (const auto& [id, weak] : connections_) {
            if (auto conn = weak.lock()) {
                asio::post(conn->executor(), [conn] { conn->close("listener stopped"); });
            }
        }
    }

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
            warn_rate_limited(fmt::format("{} listener on {}: accept failed: {}; retrying", protocol_,
                                          host_port(config_.host, port_), error.message()));
            retry_timer_.expires_after(accept_retry_delay);
            retry_timer_.async_wait([self = shared_from_this()](const error_code& timer_error) {
                if (!timer_error) {
                    self->accept();
                }
            });
            return;
        }
        if (connections_.size() >= config_.limits.max_connections) {
            refuse(std::move(socket));
        } else {
            admit(std::move(socket));
        }
        accept();
    }

    void admit(asio::ip::tcp::socket socket) {
        const std::uint64_t id = next_id_++;
        connection::options options;
        options.id = id;
        options.protocol = protocol_;
        options.limits = config_.limits;
        options.on_finished = [weak = weak_from_this(), id] {
            if (auto self = weak.lock()) {
                asio::post(self->strand_, [self, id] { self->forget(id); });
            }
        };
        auto conn = std::make_shared<connection>(std::make_unique<tcp_stream>(std::move(socket)), std::move(options));
        connections_.emplace(id, conn);
        live_ = connections_.size();
        asio::post(conn->executor(), [conn, module = module_] { conn->start(*module); });
    }

    void refuse(asio::ip::tcp::socket socket) {
        error_code ignored;
        const auto remote = socket.remote_endpoint(ignored);
        socket.close(ignored);
        warn_rate_limited(fmt::format("{}: refused the connection from {}: {} connections are open (limit {} = {}); "
                                      "raise the limit or find the client that opens so many",
                                      protocol_, ignored ? std::string("an unknown peer") : endpoint_text(remote),
                                      connections_.size(), config_.limits.key("maxConnections"),
                                      config_.limits.max_connections));
    }

    void forget(std::uint64_t id) {
        connections_.erase(id);
        live_ = connections_.size();
    }

    void warn_rate_limited(const std::string& message) {
        const auto now = std::chrono::steady_clock::now();
        if (warned_once_ && now - last_warning_ < warning_interval) {
            ++unlogged_warnings_;
            return;
        }
        if (unlogged_warnings_ > 0) {
            listener_log()->warn("{} ({} similar since the last warning)", message, unlogged_warnings_);
        } else {
            listener_log()->warn("{}", message);
        }
        warned_once_ = true;
        last_warning_ = now;
        unlogged_warnings_ = 0;
    }

    asio::strand<asio::io_context::executor_type> strand_;
    asio::ip::tcp::acceptor acceptor_;
    asio::steady_timer retry_timer_;
    io_pool& pool_;
    std::shared_ptr<protocol_module> module_;
    std::string protocol_;
    listener_config config_;
    std::unordered_map<std::uint64_t, std::weak_ptr<connection>> connections_;
    std::uint64_t next_id_ = 1;
    bool stopped_ = false;
    bool warned_once_ = false;
    std::chrono::steady_clock::time_point last_warning_;
    std::size_t unlogged_warnings_ = 0;
};

tcp_listener::tcp_listener(asio::io_context& accept_context, io_pool& pool, std::shared_ptr<protocol_module> module,
                           listener_config config)
    : state_(std::make_shared<state>(accept_context, pool, std::move(module), std::move(config))) {}

tcp_listener::~tcp_listener() {
    if (state_->started_) {
        stop();
    }
}

std::optional<listen_error> tcp_listener::start() {
    return state_->start();
}

void tcp_listener::stop() {
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
        listener_log()->error("listener stop was not taken within {} s: is its accept context still running?",
                              stop_wait.count());
    }
}

std::uint16_t tcp_listener::port() const noexcept {
    return state_->port_;
}

std::size_t tcp_listener::live_connections() const noexcept {
    return state_->live_;
}

} // namespace gantry::protocols::common
