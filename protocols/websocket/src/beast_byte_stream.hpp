#pragma once

#include <memory>
#include <type_traits>
#include <vector>

#include "beast.hpp"
#include "gantry/protocols/common/byte_stream.hpp"

namespace gantry::protocols::websocket {

// A common::byte_stream (TCP or TLS) as Beast's AsyncReadStream and
// AsyncWriteStream, for the one HTTP request and the opening handshake of a
// WebSocket port's socket. Only those: frames afterwards are
// websocket_stream's, straight on the byte_stream.
class beast_byte_stream {
public:
    using executor_type = asio::any_io_executor;

    explicit beast_byte_stream(std::unique_ptr<common::byte_stream> stream) : stream_(std::move(stream)) {}

    executor_type get_executor() const { return stream_->executor(); }
    common::byte_stream& stream() noexcept { return *stream_; }
    std::unique_ptr<common::byte_stream> release() noexcept { return std::move(stream_); }

    template <class MutableBufferSequence, class ReadHandler>
    auto async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
        return asio::async_initiate<ReadHandler, void(beast::error_code, std::size_t)>(
            [this](auto completion, const MutableBufferSequence& into) {
                const asio::mutable_buffer first = beast::buffers_front(into);
                auto held = std::make_shared<std::decay_t<decltype(completion)>>(std::move(completion));
                if (first.size() == 0) {
                    asio::post(get_executor(), [held] { (*held)(beast::error_code{}, 0); });
                    return;
                }
                // Beast's handlers may be move-only; byte_stream's are std::function.
                stream_->async_read_some(first, [held](const beast::error_code& error, std::size_t bytes) {
                    (*held)(error, bytes);
                });
            },
            handler, buffers);
    }

    template <class ConstBufferSequence, class WriteHandler>
    auto async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
        return asio::async_initiate<WriteHandler, void(beast::error_code, std::size_t)>(
            [this](auto completion, const ConstBufferSequence& from) {
                struct pending {
                    std::decay_t<decltype(completion)> handler;
                    std::vector<asio::const_buffer> buffers;
                };
                auto held = std::make_shared<pending>(pending{std::move(completion), {}});
                for (const asio::const_buffer b : beast::buffers_range_ref(from)) held->buffers.push_back(b);
                stream_->async_write(held->buffers, [held](const beast::error_code& error, std::size_t bytes) {
                    held->handler(error, bytes);
                });
            },
            handler, buffers);
    }

private:
    std::unique_ptr<common::byte_stream> stream_;
};

// What Beast calls to close the lowest layer (a handshake that timed out).
inline void beast_close_socket(beast_byte_stream& stream) { stream.stream().close(); }

// Beast's WebSocket stream asks its lowest layer to tear down when it
// closes a connection itself; here that is the byte_stream's polite end.
inline void teardown(beast::role_type, beast_byte_stream& stream, beast::error_code& error) {
    stream.stream().shutdown_send();
    error = {};
}

template <class TeardownHandler>
void async_teardown(beast::role_type, beast_byte_stream& stream, TeardownHandler&& handler) {
    stream.stream().shutdown_send();
    asio::post(stream.get_executor(),
               [handler = std::forward<TeardownHandler>(handler)]() mutable { handler(beast::error_code{}); });
}

} // namespace gantry::protocols::websocket
