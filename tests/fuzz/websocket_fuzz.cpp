// Feeds arbitrary bytes to the WebSocket frame reader whole and again in
// pieces whose sizes the input picks: the output, the refusal and the close
// must not depend on where reads end, and the output never outgrows the input.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "gantry/protocols/websocket/frame_reader.hpp"

using namespace gantry::protocols::websocket;

namespace {

struct decoded {
    std::vector<std::uint8_t> output;
    std::error_code error;
    bool close_received = false;
    std::uint16_t peer_close_code = 0;
    bool operator==(const decoded&) const = default;
};

// Splits after `first_piece` bytes, then every `stride` bytes (0: no split).
decoded decode(frame_reader_limits limits, std::vector<std::uint8_t> input, std::size_t first_piece,
               std::size_t stride) {
    frame_reader reader(limits);
    decoded result;
    std::size_t at = 0;
    std::size_t piece = first_piece == 0 ? input.size() : first_piece;
    while (at < input.size()) {
        const auto size = std::min(piece, input.size() - at);
        const auto n = reader.decode(std::span(input).subspan(at, size));
        if (n > size) __builtin_trap();
        result.output.insert(result.output.end(), input.begin() + static_cast<std::ptrdiff_t>(at),
                             input.begin() + static_cast<std::ptrdiff_t>(at + n));
        at += size;
        piece = stride == 0 ? input.size() : stride;
    }
    // Once stopped, a reader reads nothing more.
    if (reader.error() || reader.close_received()) {
        std::vector<std::uint8_t> more{0x82, 0x81, 0, 0, 0, 0, 'x'};
        if (reader.decode(more) != 0) __builtin_trap();
    }
    result.error = reader.error();
    result.close_received = reader.close_received();
    result.peer_close_code = reader.peer_close_code();
    return result;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    // The first byte picks the limits and the stride, the second where the
    // first split falls; the frames follow. A small message limit reaches
    // message_too_big; text is sometimes refused.
    const frame_reader_limits limits{static_cast<std::uint64_t>(data[0] & 0x3F) * 16, (data[0] & 0x40) == 0};
    const std::size_t stride = 1 + (data[0] >> 7) * 6 + (data[1] & 0x07);
    const std::size_t first_piece = data[1] >> 3;
    const std::vector<std::uint8_t> input(data + 2, data + size);

    const auto whole = decode(limits, input, 0, 0);
    if (whole.output.size() > input.size()) __builtin_trap();
    if (whole.error && whole.close_received) __builtin_trap();
    if (!whole.close_received && whole.peer_close_code != 1005) __builtin_trap();
    if (decode(limits, input, first_piece, stride) != whole) __builtin_trap();
    if (decode(limits, input, 1, 1) != whole) __builtin_trap();
    return 0;
}
