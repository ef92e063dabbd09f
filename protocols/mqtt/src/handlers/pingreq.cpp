// PINGREQ (§3.12): answered at once; any packet already reset the keep-alive.
#include "../mqtt_session.hpp"

namespace gantry::protocols::mqtt {

void mqtt_session::handle_pingreq() {
    send(pingresp_packet{});
}

} // namespace gantry::protocols::mqtt
