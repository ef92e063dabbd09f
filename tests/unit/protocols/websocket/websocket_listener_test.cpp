// The WebSocket listener over loopback, driven by a Beast client: the
// line-echo module of the listener tests behind two subprotocols, plain HTTP
// (health, static files) on the same port. Every client wait is bounded.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "gantry/protocols/common/asio_net.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "gantry/protocols/websocket/websocket_listener.hpp"
#include "websocket_listener_support.hpp"

namespace gantry::protocols::websocket {
namespace {

using namespace std::chrono_literals;
using common::testing::eventually;
using common::testing::line_echo_module;
using testing::bounded_io;
using testing::client_wait;
using testing::offered_module;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ws = boost::beast::websocket;

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
    if (text.find(part) != std::string::npos) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << '"' << text << "\" does not contain \"" << part << '"';
}

class ws_client final : public bounded_io {
public:
    beast::error_code connect(std::uint16_t port, const std::string& offer, const std::string& target = "/mqtt") {
        auto error = run([&](auto handler) {
            stream.next_layer().async_connect({asio::ip::make_address_v4("127.0.0.1"), port}, handler);
        });
        if (error) return error;
        stream.set_option(ws::stream_base::decorator([offer](ws::request_type& request) {
            if (!offer.empty()) request.set(http::field::sec_websocket_protocol, offer);
        }));
        return run([&](auto handler) { stream.async_handshake(response, "127.0.0.1", target, handler); });
    }

    std::string subprotocol() const {
        const auto value = response[http::field::sec_websocket_protocol];
        return std::string(value.data(), value.size());
    }

    beast::error_code send(const std::string& message) {
        stream.binary(true);
        return run([&](auto handler) { stream.async_write(asio::buffer(message), handler); });
    }

    // Reads whole messages until `size` bytes arrived (or an error).
    std::string read_bytes(std::size_t size) {
        std::string text;
        while (text.size() < size) {
            beast::flat_buffer buffer;
            if (run([&](auto handler) { stream.async_read(buffer, handler); })) break;
            text += beast::buffers_to_string(buffer.data());
        }
        return text;
    }

    // The error the next read ends with (closed, once the server closed).
    beast::error_code read_until_error() {
        for (;;) {
            beast::flat_buffer buffer;
            if (auto error = run([&](auto handler) { stream.async_read(buffer, handler); })) return error;
        }
    }

    ws::stream<asio::ip::tcp::socket> stream{io};
    ws::response_type response;

private:
    void on_timeout() override {
        beast::error_code ignored;
        stream.next_layer().close(ignored);
    }
};

struct http_reply {
    unsigned status = 0;
    std::string body;
    std::string content_type;
};

// Sends `request` as written (no client normalizes "..") and reads the reply.
class http_client final : public bounded_io {
public:
    std::optional<http_reply> exchange(std::uint16_t port, const std::string& request) {
        if (run([&](auto handler) {
                socket.async_connect({asio::ip::make_address_v4("127.0.0.1"), port}, handler);
            })) {
            return std::nullopt;
        }
        if (run([&](auto handler) { asio::async_write(socket, asio::buffer(request), handler); })) {
            return std::nullopt;
        }
        beast::flat_buffer buffer;
        http::response<http::string_body> response;
        if (run([&](auto handler) { http::async_read(socket, buffer, response, handler); })) {
            return std::nullopt;
        }
        const auto type = response[http::field::content_type];
        return http_reply{response.result_int(), response.body(), std::string(type.data(), type.size())};
    }

    asio::ip::tcp::socket socket{io};

private:
    void on_timeout() override {
        beast::error_code ignored;
        socket.close(ignored);
    }
};

std::optional<http_reply> get(std::uint16_t port, const std::string& target) {
    return http_client().exchange(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

class WebsocketListenerTest : public common::testing::listener_fixture {
protected:
    void SetUp() override {
        listener_fixture::SetUp();
        root_ = std::filesystem::temp_directory_path() /
                ("gantry-ws-test-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(root_ / "site" / "js");
        write_file(root_ / "site" / "index.html", "<h1>gantry</h1>");
        write_file(root_ / "site" / "js" / "app.js", "console.log(1);");
        write_file(root_ / "site" / "data.bin", "binary");
        write_file(root_ / "secret.txt", "do not serve");
        std::filesystem::create_symlink(root_ / "secret.txt", root_ / "site" / "link.html");
    }

    void TearDown() override {
        if (websocket_) {
            websocket_->stop();
            websocket_.reset();
        }
        listener_fixture::TearDown();
        std::error_code ignored;
        std::filesystem::remove_all(root_, ignored);
    }

    std::uint16_t listen_websocket(common::connection_limits limits = {}, bool with_static = true,
                                   std::size_t max_connections = 100,
                                   std::chrono::milliseconds idle_timeout = std::chrono::seconds(60)) {
        if (limits.key_prefix.empty()) limits = small_limits();
        websocket_listener_config config;
        config.idle_timeout = idle_timeout;
        config.host = "127.0.0.1";
        config.port = 0;
        config.max_connections = max_connections;
        if (with_static) config.static_dir = root_ / "site";
        std::vector<websocket_route> routes{
            {std::make_shared<offered_module>(module_, "ECHO", std::vector<std::string>{"echo.v1", "echo"}), limits},
            {std::make_shared<offered_module>(other_, "OTHER", std::vector<std::string>{"other"}), limits}};
        websocket_ = std::make_unique<websocket_listener>(accept_pool_.at(0), pool_, std::move(routes), config);
        const auto error = websocket_->start();
        EXPECT_FALSE(error) << error->message;
        return websocket_->port();
    }

    std::filesystem::path root_;
    std::shared_ptr<line_echo_module> other_ = std::make_shared<line_echo_module>();
    std::unique_ptr<websocket_listener> websocket_;
};

TEST_F(WebsocketListenerTest, EchoesABytesStreamAcrossMessageBoundaries) {
    const auto port = listen_websocket();
    ws_client client;
    ASSERT_FALSE(client.connect(port, "echo"));
    EXPECT_EQ(client.subprotocol(), "echo");
    // A line split over three messages, then one message holding two lines.
    ASSERT_FALSE(client.send("hel"));
    ASSERT_FALSE(client.send("lo\nwor"));
    ASSERT_FALSE(client.send("ld\n"));
    ASSERT_FALSE(client.send("a\nb\n"));
    EXPECT_EQ(client.read_bytes(16), "hello\nworld\na\nb\n");
    EXPECT_TRUE(client.stream.got_binary());
    EXPECT_EQ(websocket_->live_connections(), 1u);
}

TEST_F(WebsocketListenerTest, PicksTheClientsFirstOfferedSubprotocolThatAModuleLists) {
    const auto port = listen_websocket();
    ws_client client;
    ASSERT_FALSE(client.connect(port, "mqtt, other , echo", "/any/path"));
    EXPECT_EQ(client.subprotocol(), "other");
    ASSERT_FALSE(client.send("x\n"));
    EXPECT_EQ(client.read_bytes(2), "x\n");
    {
        std::lock_guard lock(module_->stats->mutex);
        EXPECT_EQ(module_->stats->connections.size(), 0u);
    }
    std::lock_guard lock(other_->stats->mutex);
    EXPECT_EQ(other_->stats->connections.size(), 1u);
}

TEST_F(WebsocketListenerTest, RefusesAnUpgradeWithoutAKnownSubprotocolWith400) {
    const auto port = listen_websocket();
    const std::string upgrade =
        "GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    const auto unknown = http_client().exchange(port, upgrade + "Sec-WebSocket-Protocol: nope, mqtt\r\n\r\n");
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->status, 400u);
    EXPECT_TRUE(contains(unknown->body, "echo.v1, echo, other"));
    EXPECT_TRUE(contains(unknown->body, "nope, mqtt"));
    const auto none = http_client().exchange(port, upgrade + "\r\n");
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, 400u);
    EXPECT_TRUE(contains(none->body, "echo.v1, echo, other"));

    ws_client client;
    EXPECT_EQ(client.connect(port, "nope"), ws::error::upgrade_declined);
    EXPECT_TRUE(eventually([&] { return websocket_->live_connections() == 0; }));
}

TEST_F(WebsocketListenerTest, HealthzAnswersOk) {
    const auto port = listen_websocket({}, false);
    const auto reply = get(port, "/healthz");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200u);
    EXPECT_EQ(reply->body, "ok");
}

TEST_F(WebsocketListenerTest, ServesStaticFilesAndRefusesPathsOutsideTheDirectory) {
    const auto port = listen_websocket();
    const auto index = get(port, "/");
    ASSERT_TRUE(index);
    EXPECT_EQ(index->status, 200u);
    EXPECT_EQ(index->body, "<h1>gantry</h1>");
    EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
    const auto script = get(port, "/js/app.js?v=1");
    ASSERT_TRUE(script);
    EXPECT_EQ(script->status, 200u);
    EXPECT_EQ(script->body, "console.log(1);");
    EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");

    for (const auto* target : {"/../secret.txt", "/js/../../secret.txt", "/%2e%2e/secret.txt", "/link.html"}) {
        const auto reply = get(port, target);
        ASSERT_TRUE(reply) << target;
        EXPECT_EQ(reply->status, 403u) << target;
        EXPECT_FALSE(contains(reply->body, "do not serve")) << target;
    }
    for (const auto* target : {"/missing.html", "/data.bin", "/js"}) {
        const auto reply = get(port, target);
        ASSERT_TRUE(reply) << target;
        EXPECT_EQ(reply->status, 404u) << target;
    }
}

TEST_F(WebsocketListenerTest, WithoutAStaticDirOnlyHealthzIsServed) {
    const auto port = listen_websocket({}, false);
    const auto reply = get(port, "/index.html");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 404u);
}

TEST_F(WebsocketListenerTest, ClientCloseEndsTheSession) {
    const auto port = listen_websocket();
    ws_client client;
    ASSERT_FALSE(client.connect(port, "echo"));
    ASSERT_FALSE(client.send("x\n"));
    EXPECT_EQ(client.read_bytes(2), "x\n");
    EXPECT_FALSE(client.run([&](auto handler) { client.stream.async_close(ws::close_code::normal, handler); }));
    ASSERT_TRUE(stats().wait_closes(1));
    EXPECT_EQ(stats().reasons().at(0), "the peer closed the connection");
    EXPECT_TRUE(eventually([&] { return websocket_->live_connections() == 0; }));
}

TEST_F(WebsocketListenerTest, ASilentConnectionIsClosedAfterTheWebsocketIdleTimeout) {
    auto limits = small_limits();
    limits.idle_timeout = std::chrono::minutes(1); // the shorter of the two applies
    const auto port = listen_websocket(limits, false, 100, std::chrono::milliseconds(200));
    ws_client client;
    ASSERT_FALSE(client.connect(port, "echo"));
    ASSERT_FALSE(client.send("x\n"));
    EXPECT_EQ(client.read_bytes(2), "x\n");
    ASSERT_TRUE(stats().wait_closes(1));
    EXPECT_EQ(stats().reasons().at(0), "idle for 200 ms");
}

TEST_F(WebsocketListenerTest, CloseAfterFlushSendsEverythingThenAWebSocketClose) {
    const auto port = listen_websocket();
    ws_client client;
    ASSERT_FALSE(client.connect(port, "echo"));
    ASSERT_FALSE(client.send("bye\n"));
    EXPECT_EQ(client.read_bytes(common::testing::farewell_size + 1).size(), common::testing::farewell_size + 1);
    EXPECT_EQ(client.read_until_error(), ws::error::closed);
    EXPECT_EQ(client.stream.reason().code, ws::close_code::normal);
    ASSERT_TRUE(stats().wait_closes(1));
    EXPECT_EQ(stats().reasons().at(0), "client said bye");
}

TEST_F(WebsocketListenerTest, MessageOverMaxFrameSizeClosesTheConnection) {
    const auto port = listen_websocket();
    ws_client client;
    ASSERT_FALSE(client.connect(port, "echo"));
    ASSERT_FALSE(client.send(std::string(2000, 'a')));
    EXPECT_TRUE(client.read_until_error());
    ASSERT_TRUE(stats().wait_closes(1));
}

TEST_F(WebsocketListenerTest, StopClosesWebSocketConnectionsAndPendingRequests) {
    const auto port = listen_websocket();
    ws_client client;
    ASSERT_FALSE(client.connect(port, "echo"));
    ASSERT_FALSE(client.send("x\n"));
    EXPECT_EQ(client.read_bytes(2), "x\n");
    common::testing::loopback_client silent(port);
    ASSERT_TRUE(silent.connected());
    EXPECT_TRUE(eventually([&] { return websocket_->live_connections() == 2; }));
    websocket_->stop();
    ASSERT_TRUE(stats().wait_closes(1));
    EXPECT_EQ(stats().reasons().at(0), "listener stopped");
    EXPECT_TRUE(silent.wait_closed());
    EXPECT_TRUE(eventually([&] { return websocket_->live_connections() == 0; }));
}

TEST_F(WebsocketListenerTest, RefusesSocketsOverMaxConnectionsWhateverTheyAre) {
    const auto port = listen_websocket({}, true, 1);
    ws_client first;
    ASSERT_FALSE(first.connect(port, "echo"));
    common::testing::loopback_client second(port);
    ASSERT_TRUE(second.connected());
    EXPECT_TRUE(second.wait_closed());
    ASSERT_FALSE(first.run([&](auto handler) { first.stream.async_close(ws::close_code::normal, handler); }));
    EXPECT_TRUE(eventually([&] { return websocket_->live_connections() == 0; }));
    const auto reply = get(port, "/healthz");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200u);
}

TEST_F(WebsocketListenerTest, StartRefusesAStaticDirThatIsNoDirectory) {
    websocket_listener_config config;
    config.host = "127.0.0.1";
    config.port = 0;
    config.static_dir = root_ / "nowhere";
    websocket_listener listener(accept_pool_.at(0), pool_,
                                {{std::make_shared<offered_module>(module_, "ECHO", std::vector<std::string>{"echo"}),
                                  small_limits()}},
                                config);
    const auto error = listener.start();
    ASSERT_TRUE(error);
    EXPECT_TRUE(contains(error->message, "websocket.staticDir"));
}

} // namespace
} // namespace gantry::protocols::websocket
