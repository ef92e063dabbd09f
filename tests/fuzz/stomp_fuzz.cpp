// Feeds arbitrary bytes to the STOMP decoder in every version; whatever
// decodes must re-encode, and decode again to the same frame, and a frame's
// prefix must ask for more bytes rather than fail.
#include <cstddef>
#include <cstdint>
#include <span>

#include "gantry/protocols/stomp/stomp_codec.hpp"

using namespace gantry::protocols::stomp;

namespace {

bool same(const stomp_frame& a, const stomp_frame& b) {
    return a.command == b.command && a.headers == b.headers && a.body == b.body;
}

void check(std::span<const std::byte> input, stomp_version version) {
    // Small limits keep allocations bounded by the input and reach every limit.
    stomp_limits limits;
    limits.max_frame_size = 4096;
    limits.max_header_count = 16;
    limits.max_header_length = 256;
    const stomp_codec codec(limits);
    const auto decoded = codec.decode(input, version);
    switch (decoded.status) {
    case decode_status::error:
        if (!decoded.diagnostic.code || decoded.diagnostic.message.empty()) __builtin_trap();
        if (decoded.diagnostic.code.category() != stomp_category() || decoded.consumed != 0) __builtin_trap();
        return;
    case decode_status::need_more:
        if (decoded.consumed != 0 || input.size() >= limits.max_frame_size) __builtin_trap();
        return;
    case decode_status::heartbeat:
        if (decoded.consumed == 0 || decoded.consumed > input.size()) __builtin_trap();
        for (const auto b : input.first(decoded.consumed)) {
            if (b != std::byte{'\n'} && b != std::byte{'\r'}) __builtin_trap();
        }
        return;
    case decode_status::complete: break;
    }
    if (decoded.consumed > input.size() || decoded.consumed > limits.max_frame_size) __builtin_trap();
    if (input[decoded.consumed - 1] != std::byte{0}) __builtin_trap();
    for (const auto size : {decoded.consumed - 1, decoded.consumed / 2}) {
        if (codec.decode(input.first(size), version).status != decode_status::need_more) __builtin_trap();
    }

    const auto encoded = stomp_codec::encode(decoded.frame, version);
    if (!encoded) __builtin_trap();
    // Escapes and dropped CRs change the size, so the limits do not apply.
    const stomp_codec unlimited;
    const auto again = unlimited.decode(encoded.value(), version);
    if (again.status != decode_status::complete || again.consumed != encoded.value().size() ||
        !same(again.frame, decoded.frame)) {
        __builtin_trap();
    }
    // The encoding is canonical: encoding it again changes nothing.
    const auto twice = stomp_codec::encode(again.frame, version);
    if (!twice || twice.value() != encoded.value()) __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span input(reinterpret_cast<const std::byte*>(data), size);
    for (const auto version : {stomp_version::v1_0, stomp_version::v1_1, stomp_version::v1_2}) check(input, version);
    return 0;
}
