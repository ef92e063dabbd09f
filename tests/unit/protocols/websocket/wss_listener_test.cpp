// The WebSocket listener over TLS (websocketTlsPort): wss and https on one
// port, the same exchange and frames as without TLS, on the certificate the
// context holds. Driven by Beast clients over OpenSSL; every wait is bounded.
#include <gtest/gtest.h>

#include <string>

#include "gantry/protocols/common/asio_net.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "../common/self_signed_files.hpp"
#include "gantry/protocols/common/tls_context.hpp"
#include "gantry/protocols/websocket/websocket_listener.hpp"
#include "websocket_listener_support.hpp"

namespace gantry::protocols::websocket {
namespace {

namespace http = boost::beast::http;
namespace ws = boost::beast::websocket;
using testing::beast::error_code;

class secure_io : public testing::bounded_io {
public:
    // Trusts only the listener's own certificate.
    explicit secure_io(const std::string& cert_file) {
        tls_.load_verify_file(cert_file);
        tls_.set_verify_mode(asio::ssl::verify_peer);
    }

protected:
    asio::ssl::context tls_{asio::ssl::context::tls_client};
};

class wss_client final : public secure_io {
public:
    using secure_io::secure_io;

    error_code connect(std::uint16_t port, const std::string& offer) {
        auto& tcp = boost::beast::get_lowest_layer(stream);
        if (auto error = run([&](auto handler) {
                tcp.async_connect({asio::ip::make_address_v4("127.0.0.1"), port}, handler);
            }))
            return error;
        if (auto error = run([&](auto handler) {
                stream.next_layer().async_handshake(asio::ssl::stream_base::client, handler);
            }))
            return error;
        stream.set_option(ws::stream_base::decorator(
            [offer](ws::request_type& request) { request.set(http::field::sec_websocket_protocol, offer); }));
        return run([&](auto handler) { stream.async_handshake(response, "127.0.0.1", "/mqtt", handler); });
    }

    error_code send(const std::string& message) {
        stream.binary(true);
        return run([&](auto handler) { stream.async_write(asio::buffer(message), handler); });
    }

    std::string read_message() {
        testing::beast::flat_buffer buffer;
        if (auto error = run([&](auto handler) { stream.async_read(buffer, handler); }))
            return "(" + error.message() + ")";
        return testing::beast::buffers_to_string(buffer.data());
    }

    ws::stream<asio::ssl::stream<asio::ip::tcp::socket>> stream{io, tls_};
    ws::response_type response;

private:
    void on_timeout() override {
        error_code ignored;
        boost::beast::get_lowest_layer(stream).close(ignored);
    }
};

// One GET over TLS; the status and body, or the error that ended it.
class https_client final : public secure_io {
public:
    using secure_io::secure_io;

    std::string get(std::uint16_t port, const std::string& target) {
        if (auto error = run([&](auto handler) {
                stream_.next_layer().async_connect({asio::ip::make_address_v4("127.0.0.1"), port}, handler);
            }))
            return "(" + error.message() + ")";
        if (auto error = run([&](auto handler) { stream_.async_handshake(asio::ssl::stream_base::client, handler); }))
            return "(" + error.message() + ")";
        http::request<http::empty_body> request{http::verb::get, target, 11};
        request.set(http::field::host, "127.0.0.1");
        if (auto error = run([&](auto handler) { http::async_write(stream_, request, handler); }))
            return "(" + error.message() + ")";
        testing::beast::flat_buffer buffer;
        http::response<http::string_body> response;
        if (auto error = run([&](auto handler) { http::async_read(stream_, buffer, response, handler); }))
            return "(" + error.message() + ")";
        return std::to_string(response.result_int()) + " " + response.body();
    }

private:
    void on_timeout() override {
        error_code ignored;
        stream_.next_layer().close(ignored);
    }

    asio::ssl::stream<asio::ip::tcp::socket> stream_{io, tls_};
};

// Plain TCP to the TLS port: sends `request` and reads until the server ends
// the connection; returns how it ended.
class plain_client final : public testing::bounded_io {
public:
    error_code exchange(std::uint16_t port, const std::string& request) {
        if (auto error = run([&](auto handler) {
                socket_.async_connect({asio::ip::make_address_v4("127.0.0.1"), port}, handler);
            }))
            return error;
        if (auto error = run([&](auto handler) { asio::async_write(socket_, asio::buffer(request), handler); }))
            return error;
        for (;;) {
            char reply[256];
            if (auto error = run([&](auto handler) { socket_.async_read_some(asio::buffer(reply), handler); }))
                return error;
        }
    }

private:
    void on_timeout() override {
        error_code ignored;
        socket_.close(ignored);
    }

    asio::ip::tcp::socket socket_{io};
};

class WssListenerTest : public common::testing::listener_fixture {
protected:
    void TearDown() override {
        if (listener_) listener_->stop();
        listener_.reset();
        listener_fixture::TearDown();
    }

    std::uint16_t listen_wss() {
        websocket_listener_config config;
        config.host = "127.0.0.1";
        config.port = 0;
        config.tls = std::make_shared<common::tls_server_context>(
            common::make_tls_server_context({"", files_.cert_file(), files_.key_file()}, false));
        config.port_key = "websocketTlsPort";
        std::vector<websocket_route> routes{
            {std::make_shared<testing::offered_module>(module_, "ECHO", std::vector<std::string>{"echo"}),
             small_limits()}};
        listener_ = std::make_unique<websocket_listener>(accept_pool_.at(0), pool_, std::move(routes), config);
        const auto error = listener_->start();
        EXPECT_FALSE(error) << error->message;
        return listener_->port();
    }

    common::testing::self_signed_files files_;
    std::unique_ptr<websocket_listener> listener_;
};

TEST_F(WssListenerTest, EchoesOverAWebSocketInsideTls) {
    const auto port = listen_wss();
    wss_client client(files_.cert_file());
    ASSERT_FALSE(client.connect(port, "echo"));
    const auto subprotocol = client.response[http::field::sec_websocket_protocol];
    EXPECT_EQ(std::string(subprotocol.data(), subprotocol.size()), "echo");
    ASSERT_FALSE(client.send("hello\nwor"));
    EXPECT_EQ(client.read_message(), "hello\n");
    ASSERT_FALSE(client.send("ld\n"));
    EXPECT_EQ(client.read_message(), "world\n");
}

TEST_F(WssListenerTest, AnswersHttpsOnTheSamePort) {
    const auto port = listen_wss();
    EXPECT_EQ(https_client(files_.cert_file()).get(port, "/healthz"), "200 ok");
}

TEST_F(WssListenerTest, PlainHttpFailsTheHandshakeAndTheListenerServesOn) {
    const auto port = listen_wss();
    plain_client plain;
    // No HTTP answer: the TLS handshake fails and the server closes.
    const auto ended = plain.exchange(port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_TRUE(ended == asio::error::eof || ended == asio::error::connection_reset) << ended.message();
    EXPECT_EQ(https_client(files_.cert_file()).get(port, "/healthz"), "200 ok");
}

} // namespace
} // namespace gantry::protocols::websocket
