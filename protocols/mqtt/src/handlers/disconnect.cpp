// DISCONNECT from the client (3.1.1 §3.14, 5.0 §3.14): a clean end, so no
// will, unless a 5.0 client asks for it with reason 0x04.
#include "../mqtt_log.hpp"
#include "../mqtt_session.hpp"

namespace gantry::protocols::mqtt {

void mqtt_session::handle_disconnect(const disconnect_packet& packet) {
    clean_disconnect_ = !(v5() && packet.reason == reason_code::disconnect_with_will_message);
    if (v5() && packet.properties.session_expiry_interval) {
        // §3.14.2.2.2: non-zero is a protocol error when CONNECT said zero.
        if (session_expiry_ == 0 && *packet.properties.session_expiry_interval != 0) {
            clean_disconnect_ = false;
            return fail(reason_code::protocol_error, "DISCONNECT set a session expiry after CONNECT set none");
        }
        session_expiry_ = *packet.properties.session_expiry_interval;
    }
    closing_ = true;
    close_reason_ = clean_disconnect_ ? "client disconnected" : "client disconnected with its will";
    if (!consuming_) conn_.close_after_flush(close_reason_);
}

} // namespace gantry::protocols::mqtt
