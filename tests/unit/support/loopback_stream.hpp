#pragma once

#include <poll.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "gantry/protocols/common/asio_net.hpp"

namespace gantry::testing {

// A blocking loopback TCP connection for protocol tests: writes go out at
// once, reads land in a buffer the test's client decodes from. Every wait
// has a deadline, so a broken broker fails a test instead of hanging it.
class loopback_stream {
public:
    using clock = std::chrono::steady_clock;
    enum class read_outcome { progress, timeout, ended };

    explicit loopback_stream(std::uint16_t port) : socket_(context_) {
        boost::system::error_code error;
        socket_.connect({asio::ip::make_address_v4("127.0.0.1"), port}, error);
        connected_ = !error;
        socket_.non_blocking(true, error);
    }

    bool connected() const noexcept { return connected_; }

    bool write(std::span<const std::byte> data) {
        boost::system::error_code error;
        asio::write(socket_, asio::buffer(data.data(), data.size()), error);
        return !error;
    }

    // Bytes read and not yet taken by the client.
    const std::vector<std::byte>& buffered() const noexcept { return buffered_; }
    void take(std::size_t bytes) {
        buffered_.erase(buffered_.begin(), buffered_.begin() + static_cast<std::ptrdiff_t>(bytes));
    }

    // Waits until `deadline` for input and reads what is there.
    read_outcome read_before(clock::time_point deadline) {
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
            if (left.count() <= 0) return read_outcome::timeout;
            pollfd fd{socket_.native_handle(), POLLIN, 0};
            if (::poll(&fd, 1, static_cast<int>(left.count())) > 0) break;
        }
        std::byte chunk[65536];
        boost::system::error_code error;
        const auto n = socket_.read_some(asio::buffer(chunk), error);
        if (error == asio::error::would_block) return read_outcome::progress;
        if (error) return read_outcome::ended;
        buffered_.insert(buffered_.end(), chunk, chunk + n);
        return read_outcome::progress;
    }

    // True once the peer ended the stream before `deadline`.
    bool closed_before(clock::time_point deadline) {
        for (;;) {
            const auto outcome = read_before(deadline);
            if (outcome != read_outcome::progress) return outcome == read_outcome::ended;
        }
    }

    // Drops the connection without a goodbye.
    void cut() {
        boost::system::error_code error;
        socket_.close(error);
    }

private:
    asio::io_context context_;
    asio::ip::tcp::socket socket_;
    bool connected_ = false;
    std::vector<std::byte> buffered_;
};

} // namespace gantry::testing
