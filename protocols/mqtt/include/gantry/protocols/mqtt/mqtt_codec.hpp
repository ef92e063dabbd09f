#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "gantry/engine/result.hpp"
#include "gantry/protocols/mqtt/mqtt_error.hpp"
#include "gantry/protocols/mqtt/mqtt_packet.hpp"
#include "gantry/protocols/mqtt/protocol_version.hpp"
#include "gantry/protocols/mqtt/variable_byte_integer.hpp"

namespace gantry::protocols::mqtt {

// The largest remaining length (four bytes of variable byte integer) and the
// packet size it gives with a full fixed header.
inline constexpr std::uint32_t max_remaining_length = max_variable_byte_integer;
inline constexpr std::size_t default_max_packet_size = std::size_t{max_remaining_length} + 5;

enum class decode_status {
    complete,   // `packet` holds the packet, `consumed` its size
    need_more,  // no packet yet; `packet_size` is its full size once the fixed header is in, else 0
    error,      // the stream is corrupt: `diagnostic` says why; close the connection
};

struct decode_result {
    decode_status status = decode_status::need_more;
    mqtt_packet packet;
    // The version the packet was decoded in: a CONNECT's own protocol level,
    // otherwise the version decode was called with.
    protocol_version version = protocol_version::v5;
    std::size_t consumed = 0;
    std::size_t packet_size = 0;
    mqtt_diagnostic diagnostic;
};

// The MQTT 3.1 / 3.1.1 / 5.0 packet codec. Pure: bytes in, packets out, no
// I/O and no state between calls, so one instance may serve every connection
// of a listener.
class mqtt_codec {
public:
    explicit mqtt_codec(std::size_t max_packet_size = default_max_packet_size) noexcept
        : max_packet_size_(max_packet_size) {}

    std::size_t max_packet_size() const noexcept { return max_packet_size_; }

    // Decodes the first packet of `input` as `version` speaks it. A CONNECT
    // is decoded in the version it announces, whatever `version` says. A
    // prefix of a valid packet is always need_more; an oversized or
    // malformed fixed header is an error as soon as it is seen.
    decode_result decode(std::span<const std::byte> input, protocol_version version) const;

    // The whole packet. Encoding refuses what decoding would refuse (bad
    // strings and topics, QoS 3, packet identifier 0, properties the packet
    // may not carry, ...). 5.0-only fields are not written for 3.1/3.1.1.
    // The peer's maximum packet size is the caller's to check
    // (encoded_size); only the protocol's own limit applies here.
    static result<std::vector<std::byte>> encode(const mqtt_packet& packet, protocol_version version);

    // Appends the packet to `out` and returns its size; `out` is unchanged
    // on error.
    static result<std::size_t> encode_into(const mqtt_packet& packet, protocol_version version,
                                           std::vector<std::byte>& out);

    static result<std::size_t> encoded_size(const mqtt_packet& packet, protocol_version version);

    // Appends a PUBLISH whose payload goes on, past packet.payload, with
    // `payload_after` bytes the caller sends right behind these (a payload
    // written from where it is stored, without a copy); returns the size
    // appended, and leaves `out` unchanged on error.
    static result<std::size_t> encode_publish_into(const publish_packet& packet, std::size_t payload_after,
                                                   protocol_version version, std::vector<std::byte>& out);

private:
    std::size_t max_packet_size_;
};

} // namespace gantry::protocols::mqtt
