#pragma once

#include <cstddef>
#include <string>

#include "gantry/protocols/mqtt/mqtt_packet.hpp"

namespace gantry::protocols::mqtt {

// What a server's 5.0 packet says beyond its reason code to explain itself:
// its Reason String and User Properties, "diagnostics" here. A PUBLISH has
// none: its properties are the message's.

// Long enough for a sentence naming a few topics; far below the 65535 bytes
// a string may have, so a topic quoted in full cannot make a packet that
// does not encode.
inline constexpr std::size_t max_reason_string_bytes = 1024;

// `text` cut to at most `limit` bytes on a UTF-8 character boundary, with
// "..." marking the cut.
std::string cut_reason(std::string text, std::size_t limit = max_reason_string_bytes);

// Whether `packet`, not a PUBLISH, carries a Reason String or User Properties.
bool has_diagnostics(const mqtt_packet& packet) noexcept;
void drop_diagnostics(mqtt_packet& packet) noexcept;
// Cuts a Reason String past max_reason_string_bytes.
void bound_reason_string(mqtt_packet& packet);

// Whether a packet of `type` may carry diagnostics to a client whose CONNECT
// set Request Problem Information to 0 ([MQTT-3.1.2-29]).
constexpr bool diagnostics_unrequested_allowed(packet_type type) noexcept {
    return type == packet_type::connack || type == packet_type::disconnect || type == packet_type::publish;
}

} // namespace gantry::protocols::mqtt
