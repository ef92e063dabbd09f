#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "beast.hpp"
#include "beast_byte_stream.hpp"
#include "gantry/protocols/common/connection.hpp"
#include "websocket_site.hpp"
#include "websocket_stream.hpp"

namespace gantry::protocols::websocket {

// One accepted socket of the WebSocket port, from its HTTP request to its
// end: reads one request (8 KiB of headers, 10 s), then answers it (health,
// static file, refusal) and closes, or completes the WebSocket handshake and
// hands the socket to a common::connection running the chosen module's
// session. The connection then counts for the port (the site's admission) in
// the exchange's stead, and the exchange ends.
//
// Lives on its socket's executor; start() and abort_for_stop() run there.
class http_exchange : public std::enable_shared_from_this<http_exchange>, public common::accepted_socket {
public:
    // Over the accepted socket's stream: TCP, or TLS on a wss port.
    http_exchange(std::unique_ptr<common::byte_stream> stream, std::shared_ptr<const websocket_site> site,
                  std::uint64_t id);
    ~http_exchange() override;
    http_exchange(const http_exchange&) = delete;
    http_exchange& operator=(const http_exchange&) = delete;

    asio::any_io_executor executor() const { return executor_; }

    void start();
    const common::admission* admitted_by() const noexcept override { return site_->admitted.get(); }
    // The listener stops: drop the request.
    void abort_for_stop() override;

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
    const std::string& remote_address() { return socket_->next_layer().stream().remote_address(); }

    // The socket's stream, under Beast's WebSocket stream for the handshake
    // only; then a websocket_stream of ours takes it over.
    std::unique_ptr<ws::stream<beast_byte_stream>> socket_;
    asio::any_io_executor executor_;
    std::shared_ptr<const websocket_site> site_;
    std::uint64_t id_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::empty_body>> parser_; // until the upgrade
    asio::steady_timer timer_;
    unsigned version_ = 11;
    bool aborted_ = false;
    bool upgraded_ = false; // the connection counts for the port from then on
};

} // namespace gantry::protocols::websocket
