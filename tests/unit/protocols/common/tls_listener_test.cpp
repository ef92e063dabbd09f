#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>

#include "gantry/protocols/common/tls_context.hpp"
#include "listener_fixture.hpp"
#include "self_signed_files.hpp"

namespace gantry::protocols::common::testing {
namespace {

using namespace std::chrono_literals;
using error_code = boost::system::error_code;

// A TLS client whose every wait is bounded: asynchronous operations on an
// io_context of its own, run for at most five seconds each.
class tls_client {
public:
    explicit tls_client(std::uint16_t port) : context_(asio::ssl::context::tls_client), stream_(io_, context_) {
        context_.set_verify_mode(asio::ssl::verify_none); // the listener's mechanics, not PKI, are tested here
        error_code error;
        stream_.next_layer().connect({asio::ip::make_address_v4("127.0.0.1"), port}, error);
    }

    error_code handshake() {
        return run([&](auto done) { stream_.async_handshake(asio::ssl::stream_base::client, done); });
    }
    error_code write(const std::string& text) {
        return run([&](auto done) { asio::async_write(stream_, asio::buffer(text), done); });
    }
    std::string read_line() {
        const auto error =
            run([&](auto done) { asio::async_read_until(stream_, asio::dynamic_buffer(buffer_), '\n', done); });
        if (error) return "(" + error.message() + ")";
        const auto end = buffer_.find('\n');
        auto line = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        return line;
    }
    // Reads until the stream ends; returns how it ended (eof: with the
    // server's close_notify) and leaves what came in `received`.
    error_code read_to_end(std::string& received) {
        received = std::move(buffer_);
        for (;;) {
            char chunk[65536];
            std::size_t got = 0;
            const auto error = run([&](auto done) {
                stream_.async_read_some(asio::buffer(chunk), [&got, done](const error_code& e, std::size_t n) {
                    got = n;
                    done(e, n);
                });
            });
            received.append(chunk, got);
            if (error) return error;
        }
    }

private:
    template <typename Start>
    error_code run(Start start) {
        error_code result = asio::error::timed_out;
        bool finished = false;
        start([&](const error_code& error, auto&&...) {
            result = error;
            finished = true;
        });
        io_.restart();
        io_.run_for(5s);
        if (!finished) {
            error_code ignored;
            stream_.next_layer().close(ignored);
            io_.restart();
            io_.run_for(1s);
            return asio::error::timed_out;
        }
        return result;
    }

    asio::io_context io_;
    asio::ssl::context context_;
    asio::ssl::stream<asio::ip::tcp::socket> stream_;
    std::string buffer_;
};

class TlsListenerTest : public listener_fixture {
protected:
    std::uint16_t listen_tls() {
        return listen(small_limits(), std::make_shared<tls_server_context>(make_tls_server_context(
                                          {"", files_.cert_file(), files_.key_file()}, false)));
    }

    self_signed_files files_;
};

TEST_F(TlsListenerTest, EchoesLinesAfterTheHandshake) {
    const auto port = listen_tls();
    tls_client client(port);
    ASSERT_FALSE(client.handshake());
    ASSERT_FALSE(client.write("hello\nwor"));
    ASSERT_FALSE(client.write("ld\n"));
    EXPECT_EQ(client.read_line(), "hello");
    EXPECT_EQ(client.read_line(), "world");
}

TEST_F(TlsListenerTest, CloseAfterFlushEndsWithCloseNotify) {
    const auto port = listen_tls();
    tls_client client(port);
    ASSERT_FALSE(client.handshake());
    // The line after "bye" is never consumed, as in the plain listener's test.
    ASSERT_FALSE(client.write("bye\nignored after bye\n"));
    std::string received;
    // eof, not stream_truncated: the TLS stream ended with close_notify.
    EXPECT_EQ(client.read_to_end(received), asio::error::eof);
    EXPECT_EQ(received.size(), farewell_size + 1);
    ASSERT_TRUE(stats().wait_closes(1));
    EXPECT_EQ(stats().reasons().at(0), "client said bye");
}

TEST_F(TlsListenerTest, PlainBytesFailTheHandshakeAndCloseTheConnectionOnly) {
    const auto port = listen_tls();
    tls_client good(port);
    ASSERT_FALSE(good.handshake());
    loopback_client plain(port);
    ASSERT_TRUE(plain.write_all("hello in the clear\n"));
    EXPECT_TRUE(plain.wait_closed());
    ASSERT_TRUE(stats().wait_closes(1));
    EXPECT_NE(stats().reasons().at(0).find("read failed"), std::string::npos) << stats().reasons().at(0);
    ASSERT_FALSE(good.write("still here\n"));
    EXPECT_EQ(good.read_line(), "still here");
}

TEST_F(TlsListenerTest, StopClosesConnectionsMidHandshakeAndAfterIt) {
    const auto port = listen_tls();
    tls_client done(port);
    ASSERT_FALSE(done.handshake());
    ASSERT_FALSE(done.write("one\n"));
    ASSERT_EQ(done.read_line(), "one");
    loopback_client silent(port); // connected, never says hello: its handshake waits
    ASSERT_TRUE(eventually([&] { return listener_->live_connections() == 2; }));
    listener_->stop();
    EXPECT_TRUE(silent.wait_closed());
    std::string rest;
    EXPECT_TRUE(done.read_to_end(rest));
    EXPECT_TRUE(eventually([&] { return listener_->live_connections() == 0; }));
}

TEST(TlsContextTest, NamesTheFileThatCannotBeUsed) {
    self_signed_files files;
    const auto message_of = [](auto make) -> std::string {
        try {
            make();
        } catch (const std::runtime_error& error) {
            return error.what();
        }
        return "no error";
    };
    EXPECT_NE(message_of([&] { make_tls_server_context({"", "/nonexistent/cert.pem", files.key_file()}, false); })
                  .find("cannot read the certificate file '/nonexistent/cert.pem'"),
              std::string::npos);
    self_signed_files other;
    EXPECT_NE(message_of([&] { make_tls_server_context({"", files.cert_file(), other.key_file()}, false); })
                  .find("does not hold the private key of the certificate"),
              std::string::npos);
    EXPECT_NE(message_of([&] { make_tls_client_context({"/nonexistent/ca.pem", "", ""}); })
                  .find("cannot read the CA file '/nonexistent/ca.pem'"),
              std::string::npos);
}

} // namespace
} // namespace gantry::protocols::common::testing
