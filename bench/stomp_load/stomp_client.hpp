#pragma once

#include "gantry/engine/asio.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "gantry/protocols/stomp/stomp_codec.hpp"
#include "options.hpp"

namespace stomp_load {

namespace stomp = gantry::protocols::stomp;

// One STOMP 1.2 connection with its own io_context, driven by the one
// thread that calls its methods: frames go out through gantry::stomp_codec
// into an output buffer written while the previous write completes; frames
// that arrive are decoded by the same codec and handed to on_frame. Every
// wait is bounded; an ERROR frame, a closed socket or a wait that times out
// is a std::runtime_error naming the connection.
class stomp_client {
public:
    using clock = std::chrono::steady_clock;

    stomp_client(const connection_options& options, std::string name);

    // TCP connect, CONNECT, then waits for CONNECTED.
    void connect();
    // Sends DISCONNECT with a receipt and waits (briefly) for it, then closes.
    void disconnect();

    // Encodes the frame into the output buffer and starts writing it.
    void send(const stomp::stomp_frame& frame);
    // Octets sent but not yet handed to the socket.
    std::size_t pending_output() const noexcept { return out_.size() + writing_.size(); }

    // Runs completions until done() or the deadline; returns done().
    bool run_until(const std::function<bool()>& done, clock::time_point deadline);
    // Like run_until, but a deadline passed is an error: `what` says what did not come.
    void wait_for(const std::function<bool()>& done, const char* what);
    // Runs the completions that are ready, without waiting.
    void poll();

    const std::string& name() const noexcept { return name_; }

    // Every frame from the broker but ERROR (which fails the connection).
    std::function<void(stomp::stomp_frame&)> on_frame;

private:
    void start_read();
    void on_read(const boost::system::error_code& ec, std::size_t n);
    void start_write();
    void check() const;
    [[noreturn]] void fail(const std::string& what) const;

    connection_options options_;
    std::string name_;
    stomp::stomp_codec codec_;
    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_;
    std::vector<std::byte> in_;
    std::size_t in_begin_ = 0; // first octet not decoded yet
    std::size_t in_end_ = 0;   // one past the last octet read
    std::vector<std::byte> out_;
    std::vector<std::byte> writing_;
    bool connected_ = false;
    bool closing_ = false; // DISCONNECT sent: the broker may close
    std::string error_;    // set by a completion, thrown by the thread driving the connection
};

} // namespace stomp_load
