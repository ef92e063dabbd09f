#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gantry/protocols/common/byte_stream.hpp"
#include <boost/asio/ssl/stream.hpp>

namespace gantry::protocols::common {

// A byte_stream over TLS on an accepted TCP socket: the server side of
// mqtts, amqps and stomp+ssl. The handshake runs when the connection first
// reads, so the connection's idle timeout bounds it and a listener keeps no
// state per handshake; a handshake that fails completes that read with the
// error (a client speaking plain TCP to a TLS port, an untrusted or missing
// client certificate). A write asked for before the handshake ends waits
// for it.
class tls_stream final : public byte_stream {
public:
    tls_stream(accepted_tcp_socket socket, std::shared_ptr<asio::ssl::context> context);

    asio::any_io_executor executor() const override;
    void async_read_some(asio::mutable_buffer buffer, io_handler handler) override;
    void async_write(std::span<const asio::const_buffer> buffers, io_handler handler) override;
    // Sends TLS close_notify, then TCP FIN. Reads that follow take the
    // peer's last bytes as they come, undecrypted, until it closes too: the
    // connection discards them while it drains, and reading them spares the
    // peer a reset that could lose what was sent last.
    void shutdown_send() override;
    void close() override;
    const std::string& remote_address() const override { return remote_address_; }
    std::uint16_t local_port() const override;

private:
    using ssl_stream = asio::ssl::stream<accepted_tcp_socket>;
    enum class handshake_state : std::uint8_t { not_started, running, done, failed };

    // Runs `then` once the handshake has ended, with its error.
    void after_handshake(std::function<void(const error_code&)> then);

    std::shared_ptr<asio::ssl::context> context_; // outlives the stream that uses it
    // Shared with a pending close_notify, which no connection waits for.
    std::shared_ptr<ssl_stream> stream_;
    std::string remote_address_;
    handshake_state handshake_ = handshake_state::not_started;
    bool shut_down_ = false;
    error_code handshake_error_;
    std::vector<std::function<void(const error_code&)>> waiting_for_handshake_;
};

} // namespace gantry::protocols::common
