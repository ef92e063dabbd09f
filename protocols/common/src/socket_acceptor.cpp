#include "gantry/protocols/common/socket_acceptor.hpp"

#include <chrono>
#include <future>

#include <fmt/format.h>

#include "gantry/protocols/common/open_connections.hpp"
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

class socket_acceptor::state : public std::enable_shared_from_this<state> {
public:
    state(asio::io_context& accept_context, io_pool& pool, acceptor_settings settings, admit_function admit)
        : strand_(asio::make_strand(accept_context)),
          acceptor_(strand_),
          retry_timer_(strand_),
          pool_(pool),
          settings_(std::move(settings)),
          admit_(std::move(admit)) {}

    // Runs on the caller's thread; nothing else touches the acceptor until
    // the first accept is posted.
    std::optional<listen_error> start() {
        if (auto problem = open_listen_socket(acceptor_, settings_.host, settings_.port, settings_.what,
                                              settings_.keys)) {
            return problem;
        }
        error_code error;
        port_ = acceptor_.local_endpoint(error).port();
        started_ = true;
        asio::post(strand_, [self = shared_from_this()] { self->accept(); });
        return std::nullopt;
    }

    void stop() {
        if (stopped_) return;
        stopped_ = true;
        error_code ignored;
        acceptor_.close(ignored);
        retry_timer_.cancel();
        if (started_) {
            listener_log()->info("{} listener on {} stopped; closing {} connections", settings_.what,
                                 host_port(settings_.host, port_), settings_.admitted->live());
        }
        // Posted after every admitted socket's start: each io_context runs
        // its handlers in order.
        settings_.admitted->stop();
        for (std::size_t i = 0; i < pool_.size(); ++i) {
            asio::post(pool_.at(i), [&context = pool_.at(i), admitted = settings_.admitted] {
                open_connections::of(context.get_executor()).abort_admitted_by(*admitted);
            });
        }
    }

    std::size_t live() const noexcept { return settings_.admitted->live(); }
    bool running_here() const noexcept { return strand_.running_in_this_thread(); }
    const std::string& what() const noexcept { return settings_.what; }
    void post(std::function<void()> work) { asio::post(strand_, std::move(work)); }

    std::atomic<std::uint16_t> port_{0};
    std::atomic<bool> started_{false};

private:
    void accept() {
        if (stopped_) return;
        acceptor_.async_accept(pool_.next(),
                               [self = shared_from_this()](const error_code& error, accepted_tcp_socket socket) {
                                   self->on_accept(error, std::move(socket));
                               });
    }

    void on_accept(const error_code& error, accepted_tcp_socket socket) {
        if (stopped_) return;
        if (error) {
            if (error == asio::error::operation_aborted) return;
            warnings_.warn(fmt::format("{} listener on {}: accept failed: {}; retrying", settings_.what,
                                       host_port(settings_.host, port_), error.message()));
            retry_timer_.expires_after(accept_retry_delay);
            retry_timer_.async_wait([self = shared_from_this()](const error_code& timer_error) {
                if (!timer_error) self->accept();
            });
            return;
        }
        if (settings_.admitted->live() >= settings_.max_connections) refuse(std::move(socket));
        else admit(std::move(socket));
        accept();
    }

    void admit(accepted_tcp_socket socket) {
        settings_.admitted->admitted();
        admit_(std::move(socket), next_id_++);
    }

    void refuse(accepted_tcp_socket socket) {
        error_code ignored;
        const auto remote = socket.remote_endpoint(ignored);
        socket.close(ignored);
        warnings_.warn(fmt::format("{}: refused the connection from {}: {} connections are open (limit {} = {}); "
                                   "raise the limit or find the client that opens so many",
                                   settings_.what, ignored ? std::string("an unknown peer") : endpoint_text(remote),
                                   settings_.admitted->live(), settings_.max_connections_key,
                                   settings_.max_connections));
    }

    asio::strand<asio::io_context::executor_type> strand_;
    asio::ip::tcp::acceptor acceptor_;
    asio::steady_timer retry_timer_;
    io_pool& pool_;
    acceptor_settings settings_;
    admit_function admit_;
    std::uint64_t next_id_ = 1;
    bool stopped_ = false;
    warning_limiter warnings_;
};

socket_acceptor::socket_acceptor(asio::io_context& accept_context, io_pool& pool, acceptor_settings settings,
                                 admit_function admit)
    : state_(std::make_shared<state>(accept_context, pool, std::move(settings), std::move(admit))) {}

socket_acceptor::~socket_acceptor() {
    if (state_->started_) stop();
}

std::optional<listen_error> socket_acceptor::start() { return state_->start(); }

void socket_acceptor::stop() {
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
        listener_log()->error("{} listener stop was not taken within {} s: is its accept context still running?",
                              state_->what(), stop_wait.count());
    }
}

std::uint16_t socket_acceptor::port() const noexcept { return state_->port_; }

std::size_t socket_acceptor::live_connections() const noexcept { return state_->live(); }

} // namespace gantry::protocols::common
