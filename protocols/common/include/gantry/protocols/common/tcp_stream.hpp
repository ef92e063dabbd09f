#pragma once

#include "gantry/protocols/common/byte_stream.hpp"

namespace gantry::protocols::common {

// A byte_stream over a connected TCP socket, with TCP_NODELAY on: protocol
// responses are small and latency matters more than segment count, and the
// connection already coalesces what it writes. Instantiated for the
// listeners' accepted_tcp_socket (tcp_stream) and for asio::ip::tcp::socket,
// whose any executor a client may choose (client_tcp_stream).
template <class Socket>
class basic_tcp_stream final : public byte_stream {
public:
    explicit basic_tcp_stream(Socket socket);

    asio::any_io_executor executor() const override;
    void async_read_some(asio::mutable_buffer buffer, io_handler handler) override;
    bool can_wait_readable() const noexcept override { return true; }
    std::size_t read_some_now(asio::mutable_buffer buffer, error_code& error) override;
    void async_wait_readable(std::shared_ptr<readable_waiter> waiter) override;
    bool can_move() const noexcept override { return true; }
    std::unique_ptr<byte_stream> moved_to(asio::io_context& target) override;
    void async_write(std::span<const asio::const_buffer> buffers, io_handler handler) override;
    void shutdown_send() override;
    void close() override;
    const std::string& remote_address() const override { return remote_address_; }
    std::uint16_t local_port() const override;

private:
    // mutable for executor(): get_executor() is not const in Asio 1.18, and a
    // copy of the executor would cost every connection 48 bytes.
    mutable Socket socket_;
    std::string remote_address_;
};

using tcp_stream = basic_tcp_stream<accepted_tcp_socket>;
using client_tcp_stream = basic_tcp_stream<asio::ip::tcp::socket>;

// "host:port", with brackets around an IPv6 host.
std::string endpoint_text(const asio::ip::tcp::endpoint& endpoint);

// What every accepted stream says about its socket: the peer's endpoint_text
// ("unknown peer" when it reset before it could be asked), and the local port
// it connected to (0 once the socket is closed).
template <class Socket>
std::string remote_text(const Socket& socket) {
    boost::system::error_code error;
    const auto remote = socket.remote_endpoint(error);
    return error ? std::string("unknown peer") : endpoint_text(remote);
}
template <class Socket>
std::uint16_t local_port_of(const Socket& socket) {
    boost::system::error_code error;
    const auto local = socket.local_endpoint(error);
    return error ? 0 : local.port();
}

} // namespace gantry::protocols::common
