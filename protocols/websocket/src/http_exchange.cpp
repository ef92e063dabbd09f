#include "http_exchange.hpp"

#include <chrono>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "gantry/protocols/common/open_connections.hpp"
#include "websocket_log.hpp"

namespace gantry::protocols::websocket {

namespace {

// Bounds on the one HTTP request a socket sends before it is answered or
// upgraded: a client that sends more, or sends it slower, is not a browser
// or a WebSocket library worth waiting for.
constexpr std::uint32_t header_limit = 8 * 1024;
constexpr auto request_timeout = std::chrono::seconds(10);

} // namespace

http_exchange::http_exchange(std::unique_ptr<common::byte_stream> stream, std::shared_ptr<const websocket_site> site,
                             std::uint64_t id)
    : executor_(stream->executor()), site_(std::move(site)), id_(id), timer_(executor_) {
    socket_ = std::make_unique<ws::stream<beast_byte_stream>>(std::move(stream));
    parser_.emplace();
    parser_->header_limit(header_limit);
}

http_exchange::~http_exchange() {
    if (!upgraded_) {
        site_->admitted->finished();
    }
}

void http_exchange::start() {
    common::open_connections::of(executor_).list(*this);
    arm_timer();
    http::async_read(socket_->next_layer(), buffer_, *parser_,
                     [self = shared_from_this()](const beast::error_code& error, std::size_t) {
                         self->on_request(error);
                     });
}

void http_exchange::abort_for_stop() {
    aborted_ = true;
    timer_.cancel();
    if (socket_) {
        socket_->next_layer().stream().close();
    }
}

void http_exchange::arm_timer() {
    timer_.expires_after(request_timeout);
    timer_.async_wait([weak = weak_from_this()](const beast::error_code& error) {
        auto self = weak.lock();
        if (error || !self || !self->socket_) {
            return;
        }
        websocket_log()->debug("WebSocket port: {} sent no complete request (or took no answer) within {} s; closed",
                               self->remote_address(), request_timeout.count());
        self->socket_->next_layer().stream().close();
    });
}

void http_exchange::on_request(const beast::error_code& error) {
    timer_.cancel();
    if (aborted_) {
        return;
    }
    if (error == http::error::header_limit) {
        respond_text(http::status::request_header_fields_too_large,
                     fmt::format("request headers over {} bytes\n", header_limit));
        return;
    }
    if (error == http::error::end_of_stream || error == asio::error::eof ||
        error == asio::error::operation_aborted || error == asio::error::connection_reset) {
        websocket_log()->debug("WebSocket port: {} closed before sending a request", remote_address());
        return;
    }
    if (error) {
        respond_text(http::status::bad_request, fmt::format("malformed HTTP request: {}\n", error.message()));
        return;
    }
    const auto& request = parser_->get();
    version_ = request.version();
    if (ws::is_upgrade(request)) {
        upgrade(request);
    } else {
        serve(request);
    }
}

void http_exchange::upgrade(const http::request<http::empty_body>& request) {
    const auto offered = to_std(request[http::field::sec_websocket_protocol]);
    const auto choice = site_->choose(offered);
    if (!choice) {
        const auto spoken = fmt::format("{}", fmt::join(site_->subprotocols(), ", "));
        websocket_log()->info("WebSocket port: refused the upgrade from {}: it offered {}, the broker speaks {}",
                              remote_address(),
                              offered.empty() ? std::string("no subprotocol") : fmt::format("'{}'", offered), spoken);
        respond_text(http::status::bad_request,
                     fmt::format("no WebSocket subprotocol this broker speaks was offered ({}); "
                                 "offer one of these in Sec-WebSocket-Protocol: {}\n",
                                 offered.empty() ? std::string("none was offered")
                                                 : fmt::format("offered: {}", offered),
                                 spoken));
        return;
    }
    auto& socket = *socket_;
    // Beast does the opening handshake only; idleness is then the
    // connection's to judge (websocket.idleTimeout joins the protocol's own).
    ws::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = request_timeout;
    timeouts.idle_timeout = ws::stream_base::none();
    timeouts.keep_alive_pings = false;
    socket.set_option(timeouts);
    socket.set_option(ws::stream_base::decorator([subprotocol = choice->subprotocol](ws::response_type& response) {
        response.set(http::field::sec_websocket_protocol, subprotocol);
        response.set(http::field::server, "Gantry");
    }));
    socket.async_accept(request, [self = shared_from_this(), choice = *choice](const beast::error_code& error) {
        self->on_upgraded(error, choice);
    });
}

void http_exchange::on_upgraded(const beast::error_code& error, const websocket_site::choice& choice) {
    if (aborted_) {
        return;
    }
    if (error) {
        websocket_log()->debug("WebSocket port: the handshake with {} failed: {}", remote_address(),
                               error.message());
        return;
    }
    parser_.reset();
    buffer_ = {};
    const auto& route = site_->routes[choice.route];
    const frame_reader_limits limits{route.limits.max_frame_size, route.module->accepts_websocket_text()};
    auto stream = std::make_unique<websocket_stream>(socket_->next_layer().release(), limits);
    socket_.reset();
    upgraded_ = true;
    unlink(); // from open_connections: the connection is listed there now
    websocket_log()->debug("WebSocket port: {} upgraded to {} (subprotocol {}) as connection #{}",
                           stream->remote_address(), route.module->name(), choice.subprotocol, id_);
    auto conn = std::make_shared<common::connection>(std::move(stream),
                                                     common::connection::options{id_, site_->profiles[choice.route]});
    conn->start(*route.module);
}

void http_exchange::serve(const http::request<http::empty_body>& request) {
    if (request.method() != http::verb::get) {
        http::response<http::string_body> response{http::status::method_not_allowed, version_};
        response.set(http::field::allow, "GET");
        response.set(http::field::content_type, "text/plain; charset=utf-8");
        response.body() = "only GET (and WebSocket upgrades) here\n";
        respond(std::move(response));
        return;
    }
    const auto target = to_std(request.target());
    if (target.substr(0, target.find('?')) == "/healthz") {
        respond_text(http::status::ok, "ok");
        return;
    }
    const auto file = site_->find_static(target);
    if (file.outcome == websocket_site::static_file::kind::forbidden) {
        websocket_log()->info("WebSocket port: refused {} a path outside websocket.staticDir: {}",
                              remote_address(), target);
        respond_text(http::status::forbidden, "forbidden\n");
        return;
    }
    http::file_body::value_type body;
    beast::error_code error;
    if (file.outcome == websocket_site::static_file::kind::found) {
        body.open(file.path.c_str(), beast::file_mode::scan, error);
    }
    if (file.outcome != websocket_site::static_file::kind::found || error) {
        respond_text(http::status::not_found, "not found\n");
        return;
    }
    const auto size = body.size();
    http::response<http::file_body> response{std::piecewise_construct, std::make_tuple(std::move(body)),
                                             std::make_tuple(http::status::ok, version_)};
    response.set(http::field::content_type, to_boost(file.content_type));
    response.content_length(size);
    respond(std::move(response));
}

void http_exchange::respond_text(http::status status, std::string body) {
    http::response<http::string_body> response{status, version_};
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = std::move(body);
    response.prepare_payload();
    respond(std::move(response));
}

template <typename Body>
void http_exchange::respond(http::response<Body> response) {
    response.set(http::field::server, "Gantry");
    response.keep_alive(false);
    auto held = std::make_shared<http::response<Body>>(std::move(response));
    arm_timer();
    http::async_write(socket_->next_layer(), *held,
                      [self = shared_from_this(), held](const beast::error_code&, std::size_t) { self->finish(); });
}

// The socket closes when the exchange goes, right after: a TLS close_notify
// still on its way finishes on its own.
void http_exchange::finish() {
    timer_.cancel();
    socket_->next_layer().stream().shutdown_send();
}

} // namespace gantry::protocols::websocket
