#pragma once

#include <cstdint>
#include <string>

#include "beast.hpp"
#include "gantry/protocols/common/byte_stream.hpp"

namespace gantry::protocols::websocket {

// A byte_stream over an accepted WebSocket: the payloads of the peer's
// messages (binary or text) read as one stream of bytes, so a protocol packet
// may span messages and a message may hold several packets, as MQTT and STOMP
// over WebSocket allow. Each async_write sends its gathered buffers as one
// binary message; shutdown_send is the WebSocket close handshake; ping, pong
// and the idle timeout are Beast's (set on the stream before it is handed
// over). Same threading as every byte_stream: one executor, one read and one
// write at a time.
class websocket_stream final : public common::byte_stream {
public:
    // Over an accepted TCP socket whose WebSocket handshake is still to be
    // done on socket(), before a connection takes the stream over.
    websocket_stream(common::accepted_tcp_socket socket, std::string remote_address, std::uint16_t local_port);

    ws_socket& socket() noexcept { return socket_; }

    asio::any_io_executor executor() const override;
    void async_read_some(asio::mutable_buffer buffer, io_handler handler) override;
    void async_write(std::span<const asio::const_buffer> buffers, io_handler handler) override;
    void shutdown_send() override;
    void close() override;
    const std::string& remote_address() const override { return remote_address_; }
    std::uint16_t local_port() const override { return local_port_; }

private:
    // mutable for executor(), as in tcp_stream: get_executor() is not const,
    // and a copy of the executor would cost every connection 48 bytes.
    mutable ws_socket socket_;
    std::string remote_address_;
    std::uint16_t local_port_ = 0;
    bool close_sent_ = false;
};

} // namespace gantry::protocols::websocket
