#include "gantry/protocols/common/tcp_stream.hpp"

#include <unistd.h>

#include <algorithm>

#include <boost/container/small_vector.hpp>
#include <fmt/format.h>

#include "gantry/engine/handler_tail.hpp"

namespace gantry::protocols::common {

std::string endpoint_text(const asio::ip::tcp::endpoint& endpoint) {
    const auto address = endpoint.address();
    if (address.is_v6()) {
        return fmt::format("[{}]:{}", address.to_string(), endpoint.port());
    }
    return fmt::format("{}:{}", address.to_string(), endpoint.port());
}

template <class Socket>
basic_tcp_stream<Socket>::basic_tcp_stream(Socket socket) : socket_(std::move(socket)) {
    // A peer that already reset leaves these unset; the first read reports it.
    error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    socket_.non_blocking(true, ignored); // read_some_now; Asio's own operations do not mind
    remote_address_ = remote_text(socket_);
}

template <class Socket>
asio::any_io_executor basic_tcp_stream<Socket>::executor() const {
    return socket_.get_executor();
}

// Asked of the socket, not kept: only a new session asks, and two bytes kept
// would cost every connection sixteen (the allocation's size class).
template <class Socket>
std::uint16_t basic_tcp_stream<Socket>::local_port() const {
    return local_port_of(socket_);
}

template <class Socket>
void basic_tcp_stream<Socket>::async_read_some(asio::mutable_buffer buffer, io_handler handler) {
    socket_.async_read_some(buffer, std::move(handler));
}

template <class Socket>
std::size_t basic_tcp_stream<Socket>::read_some_now(asio::mutable_buffer buffer, error_code& error) {
    return socket_.read_some(buffer, error);
}

template <class Socket>
void basic_tcp_stream<Socket>::async_wait_readable(std::shared_ptr<readable_waiter> waiter) {
    socket_.async_wait(asio::socket_base::wait_read,
                       [waiter = std::move(waiter)](const error_code& error) { waiter->on_readable(error); });
}

template <class Socket>
std::unique_ptr<byte_stream> basic_tcp_stream<Socket>::moved_to(asio::io_context& target) {
    error_code error;
    const auto protocol = socket_.local_endpoint(error).protocol();
    const auto descriptor = error ? -1 : socket_.release(error);
    if (error) {
        close();
        return nullptr;
    }
    Socket moved(target);
    moved.assign(protocol, descriptor, error);
    if (error) {
        ::close(descriptor);
        return nullptr;
    }
    auto stream = std::make_unique<basic_tcp_stream>(std::move(moved));
    stream->remote_address_ = remote_address_; // the peer may be gone by now
    return stream;
}

// The first send is made here, as Asio's own speculative send would, but a
// write it finishes completes as the handler running now ends (see
// engine::handler_tail) rather than through a turn of the reactor: an
// epoll_wait that finds nothing and a queued operation, per write.
template <class Socket>
void basic_tcp_stream<Socket>::async_write(std::span<const asio::const_buffer> buffers, io_handler handler) {
    error_code error;
    const auto total = asio::buffer_size(buffers);
    const auto written = socket_.write_some(buffers, error);
    if (error == asio::error::would_block) error = {};
    if (error || written == total) {
        engine::handler_tail::run_or_post(executor(), [handler = std::move(handler), error, written] {
            handler(error, written);
        });
        return;
    }
    boost::container::small_vector<asio::const_buffer, 8> rest;
    std::size_t skip = written;
    for (const auto& buffer : buffers) {
        const auto sent = std::min(skip, buffer.size());
        skip -= sent;
        if (sent < buffer.size()) rest.push_back(buffer + sent);
    }
    asio::async_write(socket_, rest,
                      [handler = std::move(handler), written](const error_code& failed, std::size_t bytes) {
                          handler(failed, written + bytes);
                      });
}

template <class Socket>
void basic_tcp_stream<Socket>::shutdown_send() {
    error_code ignored;
    socket_.shutdown(asio::socket_base::shutdown_send, ignored);
}

template <class Socket>
void basic_tcp_stream<Socket>::close() {
    error_code ignored;
    socket_.close(ignored);
}

template class basic_tcp_stream<accepted_tcp_socket>;
template class basic_tcp_stream<asio::ip::tcp::socket>;

} // namespace gantry::protocols::common
