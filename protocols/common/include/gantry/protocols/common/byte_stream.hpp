#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include <boost/system/error_code.hpp>

#include "gantry/protocols/common/asio_net.hpp"

namespace gantry::protocols::common {

// The duplex byte stream a connection reads and writes: TCP, TLS or a
// WebSocket's message payloads look the same from here, so a protocol session
// never knows its transport.
//
// All calls are made from executor(); a stream serves one read and one write
// at a time. Completion handlers run on executor().
class byte_stream {
public:
    using error_code = boost::system::error_code;
    using io_handler = std::function<void(const error_code&, std::size_t)>;

    virtual ~byte_stream() = default;

    // The executor that owns this stream and everything built on it.
    virtual asio::any_io_executor executor() const = 0;

    // Reads at least one byte into `buffer` (eof at the end of the stream).
    virtual void async_read_some(asio::mutable_buffer buffer, io_handler handler) = 0;

    // What waits for a stream to turn readable (a connection), kept alive
    // by the pending wait. Not a std::function: an idle connection's wait
    // then holds one pointer, not a handler on the heap.
    class readable_waiter {
    public:
        virtual void on_readable(const error_code& error) = 0;

    protected:
        ~readable_waiter() = default;
    };

    // So that an idle connection holds no read buffer: a stream that can
    // tell it is readable without reading (a plain socket) says so here,
    // and a connection with nothing buffered then waits without a buffer
    // and reads what is there once woken. A stream that does not keeps the
    // defaults and is only read with async_read_some.
    virtual bool can_wait_readable() const noexcept { return false; }
    // Reads what is there now without waiting: asio::error::would_block
    // when nothing is, eof at the end of the stream.
    virtual std::size_t read_some_now(asio::mutable_buffer, error_code& error) {
        error = asio::error::operation_not_supported;
        return 0;
    }
    // Calls waiter->on_readable once read_some_now would find bytes or the
    // end of the stream.
    virtual void async_wait_readable(std::shared_ptr<readable_waiter> waiter) {
        asio::post(executor(),
                   [waiter = std::move(waiter)] { waiter->on_readable(asio::error::operation_not_supported); });
    }

    // Moving to another io_context (connection::move_to), for a stream that
    // can (a plain socket): moved_to, called with nothing pending but an
    // async_wait_readable (which completes aborted, here), returns the same
    // stream on `target` and leaves this one empty; nullptr when that failed
    // (this one is closed then) or the stream cannot move.
    virtual bool can_move() const noexcept { return false; }
    virtual std::unique_ptr<byte_stream> moved_to(asio::io_context&) { return nullptr; }

    // Writes every byte of `buffers` in order (scatter/gather), then
    // completes. `buffers` and the bytes they point to must stay valid until
    // the handler runs.
    virtual void async_write(std::span<const asio::const_buffer> buffers, io_handler handler) = 0;

    // Tells the peer nothing more will be sent (TCP FIN, TLS close_notify,
    // WebSocket close) while reading goes on: the polite end of a connection.
    virtual void shutdown_send() = 0;

    // Closes at once; pending operations complete with operation_aborted.
    // Idempotent.
    virtual void close() = 0;

    // "203.0.113.7:50412" or "[2001:db8::1]:50412", fixed at accept time so it
    // is still known after the peer is gone.
    virtual const std::string& remote_address() const = 0;

    // The local port the peer connected to (0 once the stream is closed).
    virtual std::uint16_t local_port() const = 0;
};

} // namespace gantry::protocols::common
