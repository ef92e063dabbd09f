#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace gantry::protocols::common {

// What a session did with the bytes it was shown.
struct consume_result {
    std::size_t consumed = 0; // bytes taken from the front of the input
    bool close = false;       // end the connection, after flushing what was sent
    std::string reason;       // why, for the log and on_closed

    static consume_result took(std::size_t bytes) { return {bytes, false, {}}; }
    static consume_result closing(std::string why) { return {0, true, std::move(why)}; }
};

// One client's protocol state, created by a protocol_module for each
// connection and owned by it. Every call arrives on the connection's
// executor, so a session needs no lock.
//
// The session is handed `connection&` at creation. A raw reference is enough
// for synchronous use: the connection owns the session and outlives it. A
// callback that may run later (an engine completion posted to the executor)
// must hold `conn.weak_from_this()` and lock it first; while the connection
// lives, so does its session (it is destroyed with the connection, not at
// close).
class protocol_session {
public:
    virtual ~protocol_session() = default;

    // The bytes read and not yet consumed, oldest first. Return how many were
    // consumed (whole frames, typically; zero = need more bytes). The
    // connection calls again while bytes remain, something was consumed and
    // the output is under budget. The session may call connection::send and
    // connection::close from here.
    virtual consume_result consume(std::span<const std::byte> input) = 0;

    // The output queue drained below half its budget after reading had been
    // paused for it: a good moment to resume deliveries. Default: nothing.
    virtual void on_writable() {}
    // The peer sent nothing for the idle timeout: the connection closes
    // after flushing what the session sends from here (a protocol's
    // farewell, such as MQTT 5.0's DISCONNECT 0x8D). Default: nothing.
    virtual void on_idle_timeout() {}

    // Whether the connection may move to another io thread now
    // (connection::move_to): nothing the session started is still to
    // complete on this one (an engine append, a subscription's deliveries).
    // Default: never.
    virtual bool movable() const { return false; }

    // Called once when the connection closes, for any reason (the session's
    // own close included, possibly while consume is still on the stack).
    // Nothing sent after this reaches the peer.
    virtual void on_closed(std::string_view reason) = 0;
};

} // namespace gantry::protocols::common
