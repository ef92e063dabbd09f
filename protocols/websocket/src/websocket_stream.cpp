#include "websocket_stream.hpp"

#include <utility>

namespace gantry::protocols::websocket {

websocket_stream::websocket_stream(common::accepted_tcp_socket socket, std::string remote_address,
                                   std::uint16_t local_port)
    : socket_(std::move(socket)),
      remote_address_(std::move(remote_address)),
      local_port_(local_port) {
    socket_.binary(true);
}

asio::any_io_executor websocket_stream::executor() const {
    return socket_.get_executor();
}

void websocket_stream::async_read_some(asio::mutable_buffer buffer, io_handler handler) {
    // `this` outlives the read: the handler holds the connection that owns us.
    socket_.async_read_some(buffer, [this, buffer, handler = std::move(handler)](const error_code& error,
                                                                                 std::size_t bytes) mutable {
        if (error == ws::error::closed) {
            // The peer's close frame, answered by Beast: the end of the stream.
            handler(asio::error::eof, 0);
        } else if (!error && bytes == 0) {
            // An empty message, or the end of one: a byte_stream read gives at least one byte.
            async_read_some(buffer, std::move(handler));
        } else {
            handler(error, bytes);
        }
    });
}

void websocket_stream::async_write(std::span<const asio::const_buffer> buffers, io_handler handler) {
    socket_.async_write(buffers, std::move(handler));
}

void websocket_stream::shutdown_send() {
    if (close_sent_ || !socket_.is_open()) {
        return;
    }
    close_sent_ = true;
    // The handler owns nothing: Beast's operation keeps only a weak reference
    // to the stream, so it completes harmlessly if the connection is gone. The
    // pending read ends with the peer's close frame (eof above).
    socket_.async_close(ws::close_code::normal, [](const error_code&) {});
}

void websocket_stream::close() {
    error_code ignored;
    beast::get_lowest_layer(socket_).close(ignored);
}

} // namespace gantry::protocols::websocket
