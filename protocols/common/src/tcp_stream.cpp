#include "gantry/protocols/common/tcp_stream.hpp"

#include <fmt/format.h>

namespace gantry::protocols::common {

std::string endpoint_text(const asio::ip::tcp::endpoint& endpoint) {
    const auto address = endpoint.address();
    if (address.is_v6()) {
        return fmt::format("[{}]:{}", address.to_string(), endpoint.port());
    }
    return fmt::format("{}:{}", address.to_string(), endpoint.port());
}

tcp_stream::tcp_stream(asio::ip::tcp::socket socket)
    : socket_(std::move(socket)) {
    // A peer that already reset leaves these unset; the first read reports it.
    error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    socket_.non_blocking(true, ignored); // read_some_now; Asio's own operations do not mind
    const auto remote = socket_.remote_endpoint(ignored);
    remote_address_ = ignored ? std::string("unknown peer") : endpoint_text(remote);
    const auto local = socket_.local_endpoint(ignored);
    local_port_ = ignored ? 0 : local.port();
}

asio::any_io_executor tcp_stream::executor() const {
    return socket_.get_executor();
}

void tcp_stream::async_read_some(asio::mutable_buffer buffer, io_handler handler) {
    socket_.async_read_some(buffer, std::move(handler));
}

std::size_t tcp_stream::read_some_now(asio::mutable_buffer buffer, error_code& error) {
    return socket_.read_some(buffer, error);
}

void tcp_stream::async_wait_readable(std::function<void(const error_code&)> handler) {
    socket_.async_wait(asio::socket_base::wait_read, std::move(handler));
}

void tcp_stream::async_write(std::span<const asio::const_buffer> buffers, io_handler handler) {
    asio::async_write(socket_, buffers, std::move(handler));
}

void tcp_stream::shutdown_send() {
    error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

void tcp_stream::close() {
    error_code ignored;
    socket_.close(ignored);
}

} // namespace gantry::protocols::common
