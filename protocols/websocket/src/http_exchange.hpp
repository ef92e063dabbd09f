#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "beast.hpp"
#include "gantry/protocols/common/connection.hpp"
#include "websocket_site.hpp"
#include "websocket_stream.hpp"

namespace gantry::protocols::websocket {

// One accepted socket of the WebSocket port, from its HTTP request to its
// end: reads one request (8 KiB of headers, 10 s), then answers it (health,
// static file, refusal) and closes, or completes the WebSocket handshake and
// hands the stream to a common::connection running the chosen module's
// session. The exchange then lives as long as that connection, so the
// listener counts and stops both alike.
//
// Lives on its socket's executor; start() and abort() run there.
class http_exchange : public std::enable_shared_from_this<http_exchange>, public common::accepted_socket {
public:
    // `on_done` runs once, from the destructor, on whichever thread drops the
    // last reference: it must only post.
    http_exchange(common::accepted_tcp_socket socket, std::shared_ptr<const websocket_site> site, std::uint64_t id,
                  std::function<void()> on_done);
    ~http_exchange();
    http_exchange(const http_exchange&) = delete;
    http_exchange& operator=(const http_exchange&) = delete;

    asio::any_io_executor executor() const override { return executor_; }

    void start();
    // The listener stops: drop the request, or close the connection it became.
    void abort();
    void abort_for_stop() override { abort(); }

private:
    void on_request(const beast::error_code& error);
    void upgrade(const http::request<http::empty_body>& request);
    void on_upgraded(const beast::error_code& error, const websocket_site::choice& choice);
    void serve(const http::request<http::empty_body>& request);
    void respond_text(http::status status, std::string body);
    template <typename Body>
    void respond(http::response<Body> response);
    void finish();
    void arm_timer();

    std::unique_ptr<websocket_stream> stream_; // its TCP socket until the handshake
    asio::any_io_executor executor_;
    std::shared_ptr<const websocket_site> site_;
    std::uint64_t id_;
    std::function<void()> on_done_;
    beast::flat_buffer buffer_;
    http::request_parser<http::empty_body> parser_;
    asio::steady_timer timer_;
    unsigned version_ = 11;
    std::weak_ptr<common::connection> connection_;
    bool aborted_ = false;
};

} // namespace gantry::protocols::websocket
