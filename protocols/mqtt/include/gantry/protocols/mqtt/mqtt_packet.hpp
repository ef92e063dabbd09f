#pragma once

#include <variant>

#include "gantry/protocols/mqtt/auth_packet.hpp"
#include "gantry/protocols/mqtt/connack_packet.hpp"
#include "gantry/protocols/mqtt/connect_packet.hpp"
#include "gantry/protocols/mqtt/disconnect_packet.hpp"
#include "gantry/protocols/mqtt/packet_type.hpp"
#include "gantry/protocols/mqtt/pingreq_packet.hpp"
#include "gantry/protocols/mqtt/pingresp_packet.hpp"
#include "gantry/protocols/mqtt/puback_packet.hpp"
#include "gantry/protocols/mqtt/pubcomp_packet.hpp"
#include "gantry/protocols/mqtt/publish_packet.hpp"
#include "gantry/protocols/mqtt/pubrec_packet.hpp"
#include "gantry/protocols/mqtt/pubrel_packet.hpp"
#include "gantry/protocols/mqtt/suback_packet.hpp"
#include "gantry/protocols/mqtt/subscribe_packet.hpp"
#include "gantry/protocols/mqtt/unsuback_packet.hpp"
#include "gantry/protocols/mqtt/unsubscribe_packet.hpp"

namespace gantry::protocols::mqtt {

// Every control packet, in packet-type order: index() + 1 is the type.
using mqtt_packet =
    std::variant<connect_packet, connack_packet, publish_packet, puback_packet, pubrec_packet, pubrel_packet,
                 pubcomp_packet, subscribe_packet, suback_packet, unsubscribe_packet, unsuback_packet, pingreq_packet,
                 pingresp_packet, disconnect_packet, auth_packet>;

inline packet_type type_of(const mqtt_packet& packet) noexcept {
    return static_cast<packet_type>(packet.index() + 1);
}

} // namespace gantry::protocols::mqtt
