#include "gantry/protocols/remoting/remoting_codec.hpp"

#include <limits>
#include <numeric>
#include <string>
#include <string_view>

#include "binary_header.hpp"
#include "gantry/engine/byte_order.hpp"
#include "json_header.hpp"

namespace gantry::protocols::remoting {

namespace {

constexpr std::size_t max_header_size = 0xFFFFFF;  // 24 bits of the header word

decode_result failed(remoting_errc code, std::string reason) {
    decode_result out;
    out.status = decode_status::error;
    out.diagnostic = {code, std::move(reason)};
    return out;
}

decode_result need_more(std::size_t frame_size) {
    decode_result out;
    out.frame_size = frame_size;
    return out;
}

} // namespace

decode_result remoting_codec::decode(std::span<const std::byte> input) const {
    if (input.size() < 4) return need_more(0);
    const std::int32_t length = load_be<std::int32_t>(input.data());
    if (length < 4) {
        return failed(remoting_errc::invalid_length,
                      "frame length " + std::to_string(length) + " is shorter than the 4-byte header word");
    }
    const std::size_t frame_size = static_cast<std::size_t>(length) + 4;
    if (frame_size > max_frame_size_) {
        return failed(remoting_errc::frame_too_large, "frame of " + std::to_string(frame_size) +
                                                          " bytes exceeds the " + std::to_string(max_frame_size_) +
                                                          "-byte limit");
    }
    // Check the header word as soon as it is here, so a corrupt stream is
    // refused before we buffer up to a whole frame of it.
    if (input.size() < frame_prefix_size) return need_more(frame_size);
    const std::uint32_t header_word = load_be<std::uint32_t>(input.data() + 4);
    const std::uint32_t type = header_word >> 24;
    const std::size_t header_length = header_word & max_header_size;
    if (type > static_cast<std::uint32_t>(serialization_type::rocketmq)) {
        return failed(remoting_errc::unknown_serialization,
                      "unknown serialization type " + std::to_string(type) + " (0 = JSON, 1 = ROCKETMQ)");
    }
    if (header_length > static_cast<std::size_t>(length) - 4) {
        return failed(remoting_errc::invalid_header_length, "header length " + std::to_string(header_length) +
                                                                " exceeds the " + std::to_string(length - 4) +
                                                                " bytes the frame has after its header word");
    }
    if (input.size() < frame_size) return need_more(frame_size);

    decode_result out;
    auto& command = out.command;
    command.serialization = static_cast<serialization_type>(type);
    const auto header = input.subspan(frame_prefix_size, header_length);
    const auto problem =
        command.serialization == serialization_type::json
            ? detail::read_json_header(std::string_view(reinterpret_cast<const char*>(header.data()), header.size()),
                                       command)
            : detail::read_binary_header(header, command);
    if (problem) {
        out.status = decode_status::error;
        out.diagnostic = *problem;
        return out;
    }
    const auto body = input.subspan(frame_prefix_size + header_length, frame_size - frame_prefix_size - header_length);
    command.body.assign(body.begin(), body.end());
    out.status = decode_status::complete;
    out.consumed = frame_size;
    out.frame_size = frame_size;
    return out;
}

result<std::vector<std::byte>> remoting_codec::encode_head(const remoting_command& command,
                                                           std::size_t body_size) const {
    std::vector<std::byte> out(frame_prefix_size);
    std::error_code problem;
    if (command.serialization == serialization_type::json) {
        detail::write_json_header(command, out);
    } else {
        problem = detail::write_binary_header(command, out);
    }
    if (problem) return problem;
    const std::size_t header_length = out.size() - frame_prefix_size;
    if (header_length > max_header_size) return remoting_errc::field_out_of_range;
    // Refuse what a peer with the same limit would refuse, and what the i32
    // length word cannot describe.
    constexpr auto i32_max = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());
    if (body_size > i32_max || out.size() - 4 + body_size > i32_max || out.size() + body_size > max_frame_size_) {
        return remoting_errc::frame_too_large;
    }
    store_be<std::uint32_t>(out.data(), static_cast<std::uint32_t>(out.size() + body_size - 4));
    store_be<std::uint32_t>(out.data() + 4,
                      (static_cast<std::uint32_t>(command.serialization) << 24) |
                          static_cast<std::uint32_t>(header_length));
    return out;
}

result<std::vector<std::byte>> remoting_codec::encode_head(const remoting_command& command,
                                                           std::span<const std::span<const std::byte>> body) const {
    const std::size_t body_size =
        std::accumulate(body.begin(), body.end(), std::size_t{0},
                        [](std::size_t sum, std::span<const std::byte> part) { return sum + part.size(); });
    return encode_head(command, body_size);
}

result<std::vector<std::byte>> remoting_codec::encode(const remoting_command& command) const {
    auto head = encode_head(command, command.body.size());
    if (!head) return head;
    auto& out = head.value();
    out.insert(out.end(), command.body.begin(), command.body.end());
    return head;
}

} // namespace gantry::protocols::remoting
