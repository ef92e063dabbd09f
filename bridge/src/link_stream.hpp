#pragma once

#include <memory>
#include <string>
#include <utility>
#include <variant>

#include "gantry/protocols/common/asio_net.hpp"
#include <boost/asio/ssl.hpp>

#include "gantry/bridge/bridge_config.hpp"

namespace gantry::bridge {

// The byte stream under a bridge's link: plain TCP, or TLS over TCP with the
// bridge's CA, client certificate and verification (bridge_config.hpp).
class link_stream {
public:
    using tls_stream = asio::ssl::stream<asio::ip::tcp::socket>;

    // Plain TCP when `context` is null.
    link_stream(asio::any_io_executor executor, std::shared_ptr<asio::ssl::context> context);

    asio::ip::tcp::socket& socket() noexcept;
    bool tls() const noexcept { return std::holds_alternative<tls_stream>(stream_); }

    // TLS only: the name sent as SNI and checked against the remote's
    // certificate when verification is on (a host name or an IP address).
    void expect_peer(const std::string& host, bool verify);
    template <typename Handler>
    void async_handshake(Handler&& handler) {
        std::get<tls_stream>(stream_).async_handshake(asio::ssl::stream_base::client,
                                                      std::forward<Handler>(handler));
    }
    template <typename Buffers, typename Handler>
    void async_read_some(const Buffers& buffers, Handler&& handler) {
        std::visit([&](auto& s) { s.async_read_some(buffers, std::forward<Handler>(handler)); }, stream_);
    }
    template <typename Buffers, typename Handler>
    void async_write(const Buffers& buffers, Handler&& handler) {
        std::visit([&](auto& s) { asio::async_write(s, buffers, std::forward<Handler>(handler)); }, stream_);
    }
    void close();

private:
    std::shared_ptr<asio::ssl::context> context_; // outlives the stream that uses it
    std::variant<asio::ip::tcp::socket, tls_stream> stream_;
};

// The client TLS context of a bridge's `tls` settings; throws
// std::runtime_error naming the file that cannot be used.
std::shared_ptr<asio::ssl::context> make_tls_context(const tls_options& tls);

} // namespace gantry::bridge
