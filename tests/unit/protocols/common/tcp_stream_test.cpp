// basic_tcp_stream::async_write: the send made at once, and when its
// completion runs.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <thread>
#include <vector>

#include "gantry/engine/handler_tail.hpp"
#include "gantry/protocols/common/tcp_stream.hpp"

namespace gantry::protocols::common {
namespace {

using tcp = asio::ip::tcp;

// A connected loopback pair: `ours` wrapped as the stream under test, `peer`
// a plain blocking socket that reads what it sends.
struct socket_pair {
    explicit socket_pair(asio::io_context& io) : peer(io) {
        tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        tcp::socket client(io);
        client.connect(acceptor.local_endpoint());
        acceptor.accept(peer);
        stream = std::make_unique<client_tcp_stream>(std::move(client));
    }
    std::string read_exactly(std::size_t n) {
        std::string bytes(n, '\0');
        asio::read(peer, asio::buffer(bytes));
        return bytes;
    }
    tcp::socket peer;
    std::unique_ptr<client_tcp_stream> stream;
};

TEST(TcpStreamTest, AWriteTheSocketTakesAtOnceCompletesAsTheRunningHandlerEnds) {
    asio::io_context io;
    socket_pair pair(io);
    const std::string text = "hello";
    const asio::const_buffer buffer(text.data(), text.size());
    std::vector<std::string> order;
    asio::post(io, [&] {
        const engine::handler_tail tail(io.get_executor());
        asio::post(io, [&] { order.push_back("queued before the write"); });
        pair.stream->async_write({&buffer, 1}, [&](const byte_stream::error_code& error, std::size_t bytes) {
            EXPECT_FALSE(error);
            EXPECT_EQ(bytes, text.size());
            order.push_back("written");
        });
        EXPECT_TRUE(order.empty()) << "completed inside the call";
    });
    io.run();
    EXPECT_EQ(order, (std::vector<std::string>{"written", "queued before the write"}));
    EXPECT_EQ(pair.read_exactly(text.size()), text);
}

TEST(TcpStreamTest, OutsideAHandlerTheCompletionIsPosted) {
    asio::io_context io;
    socket_pair pair(io);
    const std::string text = "posted";
    const asio::const_buffer buffer(text.data(), text.size());
    bool written = false;
    pair.stream->async_write({&buffer, 1}, [&](const byte_stream::error_code& error, std::size_t) {
        EXPECT_FALSE(error);
        written = true;
    });
    EXPECT_FALSE(written);
    EXPECT_EQ(pair.read_exactly(text.size()), text) << "sent before anything ran";
    io.run();
    EXPECT_TRUE(written);
}

TEST(TcpStreamTest, WhatTheSocketCannotTakeAtOnceIsWrittenAsThePeerReads) {
    asio::io_context io;
    socket_pair pair(io);
    // Far more than loopback's socket buffers hold, over several buffers.
    std::vector<std::string> parts;
    for (int i = 0; i < 4; ++i) parts.push_back(std::string(4 * 1024 * 1024, static_cast<char>('a' + i)));
    std::vector<asio::const_buffer> buffers;
    for (const auto& part : parts) buffers.emplace_back(part.data(), part.size());
    std::size_t reported = 0;
    pair.stream->async_write(buffers, [&](const byte_stream::error_code& error, std::size_t bytes) {
        EXPECT_FALSE(error);
        reported = bytes;
    });
    std::string received;
    std::thread reader([&] { received = pair.read_exactly(4 * parts[0].size()); });
    io.run();
    reader.join();
    EXPECT_EQ(reported, received.size());
    EXPECT_EQ(received, parts[0] + parts[1] + parts[2] + parts[3]);
}

TEST(TcpStreamTest, AWriteToAClosedPeerFailsThroughItsCompletion) {
    asio::io_context io;
    socket_pair pair(io);
    pair.peer.set_option(asio::socket_base::linger(true, 0));
    pair.peer.close(); // a reset: the next send fails
    const std::string text(64 * 1024, 'x');
    const asio::const_buffer buffer(text.data(), text.size());
    byte_stream::error_code failed;
    // The first send may still be taken before the reset is seen.
    for (int attempt = 0; attempt < 100 && !failed; ++attempt) {
        pair.stream->async_write({&buffer, 1}, [&](const byte_stream::error_code& error, std::size_t) {
            failed = error;
        });
        io.run();
        io.restart();
    }
    EXPECT_TRUE(failed);
}

} // namespace
} // namespace gantry::protocols::common
