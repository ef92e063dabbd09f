#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "gantry/engine/result.hpp"
#include "gantry/protocols/remoting/remoting_command.hpp"
#include "gantry/protocols/remoting/remoting_error.hpp"

namespace gantry::protocols::remoting {

// Java's frameMaxLength default: length word + everything after it.
inline constexpr std::size_t default_max_frame_size = 16 * 1024 * 1024;

// Bytes before the header: the length word and the header word.
inline constexpr std::size_t frame_prefix_size = 8;

enum class decode_status {
    complete,   // `command` holds the frame, `consumed` its size
    need_more,  // no frame yet; `frame_size` is its full size once known, else 0
    error,      // the stream is corrupt: `diagnostic` says why; close the connection
};

struct decode_result {
    decode_status status = decode_status::need_more;
    remoting_command command;
    std::size_t consumed = 0;
    std::size_t frame_size = 0;
    remoting_diagnostic diagnostic;
};

// The RocketMQ remoting frame codec (spec 1.1-1.4). Pure: bytes in, commands
// out, no I/O and no state between calls, so one instance may serve every
// connection of a listener.
class remoting_codec {
public:
    explicit remoting_codec(std::size_t max_frame_size = default_max_frame_size) noexcept
        : max_frame_size_(max_frame_size) {}

    std::size_t max_frame_size() const noexcept { return max_frame_size_; }

    // Decodes the first frame of `input`. A prefix of a valid frame is always
    // need_more; errors are reported as soon as the first 8 bytes show them.
    decode_result decode(std::span<const std::byte> input) const;

    // The whole frame in the command's serialization.
    result<std::vector<std::byte>> encode(const remoting_command& command) const;

    // Scatter/gather: the length word, header word and header of a frame whose
    // body of `body_size` bytes the caller writes after these bytes (e.g. stored
    // records straight from mapped memory). `command.body` is not used.
    result<std::vector<std::byte>> encode_head(const remoting_command& command, std::size_t body_size) const;
    result<std::vector<std::byte>> encode_head(const remoting_command& command,
                                               std::span<const std::span<const std::byte>> body) const;

private:
    std::size_t max_frame_size_;
};

} // namespace gantry::protocols::remoting
