#include "gantry/protocols/common/tls_stream.hpp"

#include <openssl/ssl.h>

#include "gantry/protocols/common/tcp_stream.hpp"
#include "listener_log.hpp"

namespace gantry::protocols::common {

tls_stream::tls_stream(accepted_tcp_socket socket, std::shared_ptr<asio::ssl::context> context)
    : context_(std::move(context)), stream_(std::make_shared<ssl_stream>(std::move(socket), *context_)) {
    error_code ignored;
    auto& tcp = stream_->next_layer();
    tcp.set_option(asio::ip::tcp::no_delay(true), ignored);
    remote_address_ = remote_text(tcp);
}

asio::any_io_executor tls_stream::executor() const { return stream_->next_layer().get_executor(); }

std::uint16_t tls_stream::local_port() const { return local_port_of(stream_->next_layer()); }

void tls_stream::after_handshake(std::function<void(const error_code&)> then) {
    switch (handshake_) {
    case handshake_state::done:
    case handshake_state::failed:
        asio::post(executor(), [then = std::move(then), error = handshake_error_] { then(error); });
        return;
    case handshake_state::running: waiting_for_handshake_.push_back(std::move(then)); return;
    case handshake_state::not_started: break;
    }
    handshake_ = handshake_state::running;
    waiting_for_handshake_.push_back(std::move(then));
    // `this` lives on: the connection that owns it waits for the read or
    // write among the waiting.
    stream_->async_handshake(asio::ssl::stream_base::server, [this](const error_code& error) {
        if (error && error != asio::error::operation_aborted)
            listener_log()->info("TLS handshake with {} failed: {}; closing (a client speaking plain TCP to a TLS "
                                 "port, or a certificate one side does not accept)",
                                 remote_address_, error.message());
        handshake_ = error ? handshake_state::failed : handshake_state::done;
        handshake_error_ = error;
        auto waiting = std::move(waiting_for_handshake_);
        for (auto& continuation : waiting) continuation(error);
    });
}

void tls_stream::async_read_some(asio::mutable_buffer buffer, io_handler handler) {
    if (shut_down_) return stream_->next_layer().async_read_some(buffer, std::move(handler));
    if (handshake_ == handshake_state::done) return stream_->async_read_some(buffer, std::move(handler));
    after_handshake([this, buffer, handler = std::move(handler)](const error_code& error) mutable {
        if (error) return handler(error, 0);
        stream_->async_read_some(buffer, std::move(handler));
    });
}

void tls_stream::async_write(std::span<const asio::const_buffer> buffers, io_handler handler) {
    if (handshake_ == handshake_state::done) return asio::async_write(*stream_, buffers, std::move(handler));
    after_handshake([this, buffers, handler = std::move(handler)](const error_code& error) mutable {
        if (error) return handler(error, 0);
        asio::async_write(*stream_, buffers, std::move(handler));
    });
}

void tls_stream::shutdown_send() {
    if (shut_down_) return;
    shut_down_ = true;
    if (handshake_ != handshake_state::done) return close();
    // As if the peer's close_notify had come: SSL_shutdown then only sends
    // ours instead of also waiting to read the peer's, which would compete
    // with the connection's reads.
    SSL_set_shutdown(stream_->native_handle(), SSL_RECEIVED_SHUTDOWN);
    // The context goes along: the stream may outlive this object, and after
    // a certificate reload nothing else may hold that context.
    stream_->async_shutdown([stream = stream_, context = context_](const error_code&) {
        error_code ignored;
        stream->next_layer().shutdown(asio::socket_base::shutdown_send, ignored);
    });
}

void tls_stream::close() {
    error_code ignored;
    stream_->next_layer().close(ignored);
}

} // namespace gantry::protocols::common
