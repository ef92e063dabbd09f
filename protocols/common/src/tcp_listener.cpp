#include "gantry/protocols/common/tcp_listener.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <unordered_map>

#include <fmt/format.h>

#include "gantry/protocols/common/connection.hpp"
#include "gantry/protocols/common/listen_socket.hpp"
#include "gantry/protocols/common/tcp_stream.hpp"
#include "listener_log.hpp"

namespace gantry::protocols::common {

namespace {

using error_code = boost::system::error_code;

// After a failed accept (out of file descriptors, most likely), wait this long
// before the next one instead of spinning.
constexpr auto accept_retry_delay = std::chrono::milliseconds(100);
// How long stop() waits for the accept context to take the request.
constexpr auto stop_wait = std::chrono::seconds(5);

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
        if (auto problem = open_listen_socket(acceptor_, config_.host, config_.port, protocol_,
                                              {config_.limits.key("listenHost"), config_.limits.key("listenPort")})) {
            return problem;
        }
        error_code error;
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
            warnings_.warn(fmt::format("{} listener on {}: accept failed: {}; retrying", protocol_,
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
        warnings_.warn(fmt::format("{}: refused the connection from {}: {} connections are open (limit {} = {}); "
                                      "raise the limit or find the client that opens so many",
                                      protocol_, ignored ? std::string("an unknown peer") : endpoint_text(remote),
                                      connections_.size(), config_.limits.key("maxConnections"),
                                      config_.limits.max_connections));
    }

    void forget(std::uint64_t id) {
        connections_.erase(id);
        live_ = connections_.size();
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
    warning_limiter warnings_;
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
