// Feeds arbitrary bytes to the MQTT decoder in every version; whatever
// decodes must re-encode, and decode again to the same packet, and a
// packet's prefix must ask for more bytes rather than fail, and a PUBLISH
// encoded up to its payload must be the same bytes as the whole packet.
#include <cstddef>
#include <cstdint>
#include <span>

#include "gantry/protocols/mqtt/mqtt_codec.hpp"

using namespace gantry::protocols::mqtt;

namespace {

void check(std::span<const std::byte> input, protocol_version version) {
    // A small limit keeps allocations bounded by the input, as in a broker.
    const mqtt_codec codec(64 * 1024);
    const auto decoded = codec.decode(input, version);
    if (decoded.status == decode_status::error) {
        if (!decoded.diagnostic.code || decoded.diagnostic.message.empty()) __builtin_trap();
        if (decoded.diagnostic.code.category() != mqtt_category()) __builtin_trap();
        return;
    }
    if (decoded.status == decode_status::need_more) {
        if (decoded.packet_size != 0 && decoded.packet_size <= input.size()) __builtin_trap();
        return;
    }
    if (decoded.consumed > input.size() || decoded.consumed < 2) __builtin_trap();
    if (codec.decode(input.first(decoded.consumed - 1), version).status != decode_status::need_more) {
        __builtin_trap();
    }

    const auto encoded = mqtt_codec::encode(decoded.packet, decoded.version);
    if (!encoded) __builtin_trap();
    const auto size = mqtt_codec::encoded_size(decoded.packet, decoded.version);
    if (!size || size.value() != encoded.value().size()) __builtin_trap();
    // Non-minimal lengths and optional fields may shrink, never grow past the limit's reach.
    const mqtt_codec unlimited;
    const auto again = unlimited.decode(encoded.value(), decoded.version);
    if (again.status != decode_status::complete || again.consumed != encoded.value().size() ||
        again.version != decoded.version || !(again.packet == decoded.packet)) {
        __builtin_trap();
    }
    // The encoding is canonical: encoding it again changes nothing.
    const auto twice = mqtt_codec::encode(again.packet, again.version);
    if (!twice || twice.value() != encoded.value()) __builtin_trap();
    // A PUBLISH's head with its payload sent behind it is the same packet.
    if (const auto* publish = std::get_if<publish_packet>(&decoded.packet)) {
        auto head_only = *publish;
        head_only.payload.clear();
        std::vector<std::byte> split;
        const auto head = mqtt_codec::encode_publish_into(head_only, publish->payload.size(), decoded.version, split);
        if (!head || *head != split.size()) __builtin_trap();
        const auto payload = publish->payload_bytes();
        split.insert(split.end(), payload.begin(), payload.end());
        if (split != encoded.value()) __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span input(reinterpret_cast<const std::byte*>(data), size);
    for (const auto version : {protocol_version::v3_1, protocol_version::v3_1_1, protocol_version::v5}) {
        check(input, version);
    }
    return 0;
}
