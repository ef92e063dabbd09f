#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <proton/connection_driver.h>
#include <proton/transport.h>

namespace gantry::protocols::amqp {

// One qpid-proton connection driver: the AMQP connection, its transport and
// the event collector, with no I/O of its own; the broker's side of a client
// connection, or a bridge's side of its connection to a remote broker. Bytes are
// copied in and out (never handed to the socket in place: proton may move
// its buffers while a write is pending, specs/integration.md spike 1), so
// it works over any byte stream. Used from one executor only: proton's
// objects are not thread-safe.
class proton_driver {
public:
    enum class role { server, client };

    explicit proton_driver(role side = role::server);
    ~proton_driver();
    proton_driver(const proton_driver&) = delete;
    proton_driver& operator=(const proton_driver&) = delete;

    pn_connection_t* connection() const noexcept { return driver_.connection; }
    pn_transport_t* transport() const noexcept { return driver_.transport; }

    // Binds connection and transport once the transport is configured (SASL,
    // limits); events flow from then on.
    void bind();

    // Copies as much of `input` as the transport takes now and processes it;
    // returns how many bytes it took (0 once the read side is closed).
    std::size_t feed(std::span<const std::byte> input);
    // The peer closed its side.
    void read_close();
    // Proton reads nothing more (closed, or failed).
    bool read_closed() { return pn_connection_driver_read_closed(&driver_); }

    pn_event_t* next_event() { return pn_connection_driver_next_event(&driver_); }
    bool has_event() { return pn_connection_driver_has_event(&driver_); }

    // Everything the transport has to send, appended to `out` (a string or
    // a vector of bytes).
    template <typename Bytes>
    void take_output(Bytes& out) {
        for (auto pending = pn_connection_driver_write_buffer(&driver_); pending.size > 0;
             pending = pn_connection_driver_write_buffer(&driver_)) {
            const auto* start = reinterpret_cast<const typename Bytes::value_type*>(pending.start);
            out.insert(out.end(), start, start + pending.size);
            pn_connection_driver_write_done(&driver_, pending.size);
        }
    }

    // Runs idle-timeout processing at `now_ms`; returns the next deadline
    // (0: none).
    std::int64_t tick(std::int64_t now_ms) { return pn_transport_tick(driver_.transport, now_ms); }

    // Closes the connection with an error condition ("amqp:...") and a
    // description; the close frame leaves with the next output.
    void fail(const char* condition, std::string_view description);

    // Both sides closed: nothing more will be read or written.
    bool finished() { return pn_connection_driver_finished(&driver_); }

private:
    pn_connection_driver_t driver_{};
};

} // namespace gantry::protocols::amqp
