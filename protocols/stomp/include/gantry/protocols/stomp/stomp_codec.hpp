#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "gantry/engine/result.hpp"
#include "gantry/protocols/stomp/stomp_error.hpp"
#include "gantry/protocols/stomp/stomp_frame.hpp"

namespace gantry::protocols::stomp {

struct stomp_limits {
    std::size_t max_frame_size = 4 * 1024 * 1024; // command, headers, body and NUL
    std::size_t max_header_count = 1000;          // ActiveMQ's default
    std::size_t max_header_length = 10 * 1024;    // one "name:value" line, ActiveMQ's default
};

enum class decode_status {
    complete,  // `frame` holds the frame, `consumed` its octets (the NUL included)
    heartbeat, // `consumed` octets of EOLs between frames (a heart-beat, or a frame's trailing EOLs)
    need_more, // no frame yet
    error,     // the stream is corrupt: `diagnostic` says why; send ERROR and close
};

struct decode_result {
    decode_status status = decode_status::need_more;
    stomp_frame frame;
    std::size_t consumed = 0;
    stomp_diagnostic diagnostic;
};

// The STOMP 1.0 / 1.1 / 1.2 frame codec. Pure: bytes in, frames out, no I/O
// and no state between calls, so one instance may serve every connection of
// a listener. EOL is LF or CR LF in every version. Header escapes are
// decoded as `version` defines them, except in CONNECT, STOMP and CONNECTED
// frames, which are never escaped (1.2, "Value Encoding").
class stomp_codec {
public:
    explicit stomp_codec(stomp_limits limits = {}) noexcept : limits_(limits) {}

    const stomp_limits& limits() const noexcept { return limits_; }

    // Decodes the first frame of `input`. A prefix of a valid frame is
    // need_more; a limit is an error as soon as the octets seen pass it.
    decode_result decode(std::span<const std::byte> input, stomp_version version) const;

    // Appends the frame to `out` with headers escaped for `version` and
    // returns its size; `out` is unchanged on error. Headers are written as
    // given: the caller adds content-length when the body needs it.
    static result<std::size_t> encode_into(const stomp_frame& frame, stomp_version version,
                                           std::vector<std::byte>& out);
    static result<std::vector<std::byte>> encode(const stomp_frame& frame, stomp_version version);

private:
    stomp_limits limits_;
};

} // namespace gantry::protocols::stomp
