// Feeds arbitrary bytes to the remoting frame decoder; whatever decodes must
// re-encode and decode to the same command, and a frame's prefix must ask for
// more bytes rather than fail.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "gantry/protocols/remoting/remoting_codec.hpp"

using namespace gantry::protocols::remoting;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span input(reinterpret_cast<const std::byte*>(data), size);
    const remoting_codec codec(64 * 1024);
    const auto decoded = codec.decode(input);
    if (decoded.status == decode_status::error) {
        if (!decoded.diagnostic.code || decoded.diagnostic.reason.empty()) __builtin_trap();
        return 0;
    }
    if (decoded.status == decode_status::need_more) return 0;
    if (decoded.consumed > size || decoded.consumed < frame_prefix_size) __builtin_trap();
    if (codec.decode(input.first(decoded.consumed - 1)).status != decode_status::need_more) __builtin_trap();

    // Re-encoding may grow the header (escapes, U+FFFD for bad UTF-8), so
    // allow any size here.
    const remoting_codec unlimited(std::numeric_limits<std::size_t>::max());
    const auto encoded = unlimited.encode(decoded.command);
    if (!encoded) {
        // Only a ROCKETMQ key that grew past 32767 bytes through U+FFFD.
        if (encoded.error() != remoting_errc::field_out_of_range ||
            decoded.command.serialization != serialization_type::rocketmq) {
            __builtin_trap();
        }
        return 0;
    }
    const auto again = unlimited.decode(encoded.value());
    if (again.status != decode_status::complete || again.consumed != encoded.value().size() ||
        !(again.command == decoded.command)) {
        __builtin_trap();
    }
    return 0;
}
