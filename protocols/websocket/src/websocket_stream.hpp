#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gantry/protocols/common/byte_stream.hpp"
#include "gantry/protocols/websocket/frame_reader.hpp"
#include "gantry/protocols/websocket/frame_writer.hpp"

namespace gantry::protocols::websocket {

// A byte_stream over an upgraded WebSocket, framed by our own codec: the
// payloads of the peer's messages read as one stream of bytes, so a protocol
// packet may span messages and a message may hold several packets, as MQTT,
// STOMP and AMQP over WebSocket allow. Frames are decoded in place in the
// caller's buffer, so one TCP read yields every packet it carries, and each
// async_write goes out as one binary message in one gathered write.
//
// Pings are answered, the peer's close is answered and then reads as end of
// stream, shutdown_send is our close, and a peer breaking RFC 6455 gets the
// close status it earned before its read fails. Same threading as every
// byte_stream: one executor, one read and one write at a time.
//
// It runs on another byte_stream, the socket's (TCP, or TLS for wss).
class websocket_stream final : public common::byte_stream {
public:
    // Over a stream whose opening handshake is done.
    websocket_stream(std::unique_ptr<common::byte_stream> inner, frame_reader_limits limits);
    ~websocket_stream() override;

    asio::any_io_executor executor() const override;
    void async_read_some(asio::mutable_buffer buffer, io_handler handler) override;
    void async_write(std::span<const asio::const_buffer> buffers, io_handler handler) override;
    void shutdown_send() override;
    void close() override;
    const std::string& remote_address() const override { return inner_->remote_address(); }
    std::uint16_t local_port() const override { return inner_->local_port(); }

private:
    struct control_writes;
    using then_function = std::function<void(const error_code&)>;

    void on_read(asio::mutable_buffer buffer, io_handler handler, const error_code& error, std::size_t bytes);
    // The peer's close or a refusal: answers with our close unless it went
    // out already, then completes `handler` with eof or the refusal.
    void end_reading(io_handler handler);
    void write_data(std::span<const asio::const_buffer> buffers, io_handler handler);
    // Queues `frame` behind the data frame being written, if any; `then`
    // runs once it is written (a read waiting for our close to be out).
    void send_control(const control_frame& frame, then_function then);
    void write_next_control();

    // Shared with a control frame's write, which may outlive this object.
    std::shared_ptr<common::byte_stream> inner_;
    frame_reader reader_;
    data_frame_header header_{0}; // of the data frame being written
    std::vector<asio::const_buffer> frame_buffers_; // header_ and the payload, for one gathered write
    // Made by the first control frame to send; shared with its write, whose
    // completion may find this object gone.
    std::shared_ptr<control_writes> control_;
    bool writing_data_ = false;
    bool close_sent_ = false;
    bool closed_ = false;
};

} // namespace gantry::protocols::websocket
