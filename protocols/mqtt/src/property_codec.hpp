#pragma once

#include <cstdint>

#include "gantry/protocols/mqtt/packet_type.hpp"
#include "gantry/protocols/mqtt/properties.hpp"
#include "wire_reader.hpp"
#include "wire_writer.hpp"

namespace gantry::protocols::mqtt::detail {

// Where a property block sits: a packet, or a CONNECT's will (5.0 §3.1.3.2).
enum class property_context : std::uint8_t {
    connect,
    connack,
    publish,
    puback,
    pubrec,
    pubrel,
    pubcomp,
    subscribe,
    suback,
    unsubscribe,
    unsuback,
    disconnect,
    auth,
    will,
};

property_context context_of(packet_type type) noexcept;

// A property length and the properties after it (5.0 §2.2.2). Refuses
// unknown identifiers (malformed), properties the context may not carry,
// repeats of single-valued ones and out-of-range values (protocol errors).
properties read_properties(wire_reader& reader, property_context context);

// The property length and the properties, in identifier order; user
// properties and subscription identifiers in their own order. Refuses what
// read_properties would refuse.
void write_properties(wire_writer& writer, const properties& props, property_context context);

} // namespace gantry::protocols::mqtt::detail
