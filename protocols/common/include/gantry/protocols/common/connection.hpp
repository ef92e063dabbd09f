#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/protocols/common/accepted_socket.hpp"
#include "gantry/protocols/common/asio_net.hpp"
#include "gantry/protocols/common/byte_stream.hpp"
#include "gantry/protocols/common/connection_limits.hpp"
#include "gantry/protocols/common/input_buffer.hpp"
#include "gantry/protocols/common/output_queue.hpp"
#include "gantry/protocols/common/protocol_session.hpp"

namespace gantry::protocols::common {

class open_connections;
class protocol_module;

// One accepted byte stream and the protocol session on it. A connection lives
// on its stream's executor (one io thread), and every member function except
// executor(), post() and id() must be called there. From anywhere else, post:
//
//     conn->post([conn] { conn->send(...); });
//
// A plain TCP connection whose session allows it may move to another io
// thread (move_to) at a moment when nothing of it is pending on this one:
// no read with a buffer, no write, no engine answer owed to the session.
// post() follows it there; so does executor() for what is started after.
//
// It reads into a buffer bounded by inputBudgetBytes, shows the unread bytes
// to the session, and writes what the session sends in order, one
// scatter/gather write at a time. When more than outputBudgetBytes are queued
// it stops reading and consuming until half of that has drained
// (back-pressure: the queue is never unbounded by the connection's own doing).
//
// Owned by shared_ptr: from start() until close() by its io_context's
// open_connections, and by pending reads, writes and timers, so it lives
// until the stream is closed and those have completed.
class connection : public std::enable_shared_from_this<connection>,
                   public accepted_socket,
                   public byte_stream::readable_waiter {
public:
    // What the connections of one listener (or WebSocket route) share.
    struct profile {
        std::string protocol; // the module's name, for logs
        connection_limits limits;
        // The listener's, which counts the connection until it closes; null
        // for a connection the broker opened.
        std::shared_ptr<admission> admitted;
    };
    struct options {
        std::uint64_t id = 0; // unique per listener, for logs
        std::shared_ptr<const profile> shared;
    };

    connection(std::unique_ptr<byte_stream> stream, options opts);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // Safe from any thread; where the connection lives now.
    asio::any_io_executor executor() const {
        if (auto* home = home_.load(std::memory_order_acquire)) return home->get_executor();
        return stream_->executor();
    }
    // Runs `work` on the connection's thread, following a move made before
    // it gets there. Safe from any thread.
    template <typename Work>
    void post(Work work) {
        asio::post(executor(), [self = shared_from_this(), work = std::move(work)]() mutable {
            if (self->on_its_thread()) work();
            else self->post(std::move(work));
        });
    }
    std::uint64_t id() const noexcept { return options_.id; }
    const std::string& remote_address() const noexcept { return stream_->remote_address(); }

    // Creates the session and starts reading. Closed before it started (the
    // listener stopped meanwhile): does nothing.
    void start(protocol_module& module);

    // Queues `buffers` for the peer. Their bytes must stay valid while
    // `keep_alive` lives; the connection holds it until they are written
    // (zero-copy sends of mapped commit-log memory). Ignored once closing.
    void send(std::span<const asio::const_buffer> buffers, std::shared_ptr<const void> keep_alive);
    // Queues bytes the connection takes ownership of.
    void send(std::string bytes);
    void send(std::vector<std::byte> bytes);
    // Queues a copy of `head`, then `tail`, valid while `keep_alive` lives:
    // a frame whose payload is sent from the commit log.
    void send(std::span<const std::byte> head, std::span<const std::byte> tail, std::shared_ptr<const void> keep_alive);

    // Stops reading, writes what is queued, ends the stream politely and
    // closes with `reason` (at the latest after flushTimeout). For a protocol
    // error frame followed by a disconnect.
    void close_after_flush(std::string reason);

    // Closes now: queued output is dropped, the session's on_closed(reason)
    // runs once. Idempotent.
    void close(std::string_view reason);
    const admission* admitted_by() const noexcept override { return options_.shared->admitted.get(); }
    // The listener stops: close("listener stopped").
    void abort_for_stop() override { close("listener stopped"); }

    // The session's own flow control (an engine append still pending, a
    // receive maximum reached): stop consuming and reading until resumed.
    void pause_input();
    void resume_input();

    // Moves the connection to `target`'s thread, now or at the first moment
    // nothing of it is pending here (a write, a read with a buffer, bytes
    // unread) and its session is movable(); until then a later call replaces
    // the target. Nothing for a stream that cannot move (TLS, WebSocket).
    void move_to(asio::io_context& target);
    // The session became movable(): makes a move asked for and not yet made.
    void retry_move() {
        if (moving_) try_move();
    }

    // Replaces the idle timeout (MQTT: 1.5 × keep-alive); zero turns it off.
    void set_idle_timeout(std::chrono::milliseconds timeout);

    bool is_open() const noexcept { return state_ == state::open; }
    // Reading is paused by back-pressure or by the session.
    bool input_paused() const noexcept { return output_blocked_ || session_paused_; }
    // More than outputBudgetBytes queued: a session should hold further
    // deliveries until on_writable().
    bool output_blocked() const noexcept { return output_blocked_; }
    std::size_t output_queued_bytes() const noexcept { return output_ ? output_->bytes() : 0; }
    const connection_limits& limits() const noexcept { return options_.shared->limits; }

private:
    friend class open_connections;
    enum class state : std::uint8_t { created, open, flushing, draining, closed };

    void pump_input();
    void start_read();
    // read_some_now into the input buffer, noting whether it drained the socket.
    std::size_t read_now(byte_stream::error_code& error);
    // Waits without a buffer for the peer's next bytes.
    void wait_readable();
    void on_read(const byte_stream::error_code& error, std::size_t bytes);
    void on_readable(const byte_stream::error_code& error) override;
    bool on_its_thread() const noexcept;
    // Makes the move asked for if it can be made now.
    void try_move();
    void arrive();
    // Runs `push` on the output queue (made by the first send) and starts
    // writing; nothing once closing.
    template <typename Push>
    void queue_output(Push push);
    void start_write();
    void on_write(const byte_stream::error_code& error);
    void begin_drain();
    // Closes `after` from now unless the connection has left `expected` (a
    // flush or a drain that finished in time).
    void close_unless_left(std::chrono::steady_clock::duration after, state expected);
    // For open_connections: whether the idle timeout applies now, and
    // whether nothing was read for it while reading (time paused by
    // back-pressure restarts the count).
    bool watches_idleness() const noexcept { return state_ == state::open && idle_timeout_.count() > 0; }
    bool idle_timeout_passed(std::chrono::steady_clock::time_point now);
    void close_for_idleness();
    const std::string& protocol() const noexcept { return options_.shared->protocol; }
    bool output_empty() const noexcept { return !output_ || output_->empty(); }
    // Frees the output queue of a connection gone quiet (nothing to write).
    void release_idle_output() noexcept;

    std::unique_ptr<byte_stream> stream_;
    options options_;
    std::unique_ptr<protocol_session> session_;
    input_buffer input_;
    // Made by the first send and freed whenever everything was written and
    // the connection waits for its peer, so an idle connection holds none.
    std::unique_ptr<output_queue> output_;
    // Made when closing begins; the idle timeout is watched by the
    // io_context's open_connections.
    struct closing_state {
        asio::steady_timer deadline; // of the flush, then of the drain
        std::string reason;
    };
    std::unique_ptr<closing_state> closing_;
    // In open_connections (the hook, a base), which owns it from start() to close().
    std::shared_ptr<connection> kept_;
    // The io_context whose thread the connection lives on; null for a
    // stream on some other executor (it never moves).
    std::atomic<asio::io_context*> home_{nullptr};
    std::chrono::steady_clock::time_point last_read_;
    // 32 bits, with the small state below, so that the connection stays in
    // its allocation size class (memory per idle connection, issue #5).
    std::chrono::duration<std::uint32_t, std::milli> idle_timeout_;
    state state_ = state::created;
    bool reading_ = false;
    bool waiting_readable_ = false; // reading_ without a buffer: the peer has sent nothing since
    // The last read took less than it had room for: the socket held no more
    // then, so the next read waits instead of trying first.
    bool peer_drained_ = false;
    bool writing_ = false;
    bool consuming_ = false;
    bool output_blocked_ = false;
    bool session_paused_ = false;
    bool moving_ = false; // its target is kept by open_connections
};

} // namespace gantry::protocols::common
