#pragma once

// A plain client socket for the listener tests. Every wait is bounded: the
// socket is non-blocking and waits go through poll() with a deadline, so a
// broken server fails a test instead of hanging it.

#include <poll.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "gantry/protocols/common/asio_net.hpp"

namespace gantry::protocols::common::testing {

class loopback_client {
public:
    using clock = std::chrono::steady_clock;

    // `receive_buffer` > 0 shrinks SO_RCVBUF before connecting, so a client
    // that stops reading pushes back on the server sooner.
    explicit loopback_client(std::uint16_t port, int receive_buffer = 0) : socket_(context_) {
        boost::system::error_code error;
        socket_.open(asio::ip::tcp::v4(), error);
        if (receive_buffer > 0) {
            socket_.set_option(asio::socket_base::receive_buffer_size(receive_buffer), error);
        }
        socket_.connect({asio::ip::make_address_v4("127.0.0.1"), port}, error);
        connected_ = !error;
        socket_.non_blocking(true, error);
    }

    bool connected() const { return connected_; }

    // Writes what the socket takes now; 0 when it would block.
    std::size_t try_write(std::string_view data) {
        boost::system::error_code error;
        return socket_.write_some(asio::buffer(data.data(), data.size()), error);
    }

    // Appends what has arrived; false once the stream ended.
    bool try_read(std::string& out) {
        char chunk[65536];
        boost::system::error_code error;
        const auto n = socket_.read_some(asio::buffer(chunk), error);
        out.append(chunk, n);
        return !error || error == asio::error::would_block;
    }

    bool write_all(std::string_view data, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        const auto deadline = clock::now() + timeout;
        while (!data.empty()) {
            if (!wait(POLLOUT, deadline)) {
                return false;
            }
            boost::system::error_code error;
            const auto n = socket_.write_some(asio::buffer(data.data(), data.size()), error);
            if (error && error != asio::error::would_block) {
                return false;
            }
            data.remove_prefix(n);
        }
        return true;
    }

    // The next line without its '\n'; nothing on timeout or end of stream.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        const auto deadline = clock::now() + timeout;
        for (;;) {
            if (const auto newline = buffered_.find('\n'); newline != std::string::npos) {
                std::string line = buffered_.substr(0, newline);
                buffered_.erase(0, newline + 1);
                return line;
            }
            if (!wait(POLLIN, deadline) || !read_more()) {
                return std::nullopt;
            }
        }
    }

    // True once the server ended the stream (FIN or reset) within `timeout`;
    // whatever arrives before that is dropped.
    bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        const auto deadline = clock::now() + timeout;
        for (;;) {
            if (!wait(POLLIN, deadline)) {
                return false;
            }
            if (!read_more()) {
                return true;
            }
            buffered_.clear();
        }
    }

    asio::ip::tcp::socket& socket() { return socket_; }

private:
    bool wait(short events, clock::time_point deadline) {
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
            if (left.count() <= 0) {
                return false;
            }
            pollfd fd{socket_.native_handle(), events, 0};
            const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
            if (ready > 0) {
                return true;
            }
        }
    }

    // False at the end of the stream or on an error.
    bool read_more() {
        char chunk[65536];
        boost::system::error_code error;
        const auto n = socket_.read_some(asio::buffer(chunk), error);
        if (error == asio::error::would_block) {
            return true;
        }
        if (error) {
            return false;
        }
        buffered_.append(chunk, n);
        return true;
    }

    asio::io_context context_;
    asio::ip::tcp::socket socket_;
    std::string buffered_;
    bool connected_ = false;
};

} // namespace gantry::protocols::common::testing
