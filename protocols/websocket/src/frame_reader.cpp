#include "gantry/protocols/websocket/frame_reader.hpp"

#include <algorithm>
#include <cstring>

#include "frame_format.hpp"

namespace gantry::protocols::websocket {

namespace {

using frame_format::fin_bit;
using frame_format::max_control_payload;
namespace opcodes = frame_format::opcodes;

constexpr std::uint8_t reserved_bits = 0x70;
constexpr std::uint8_t mask_bit = 0x80;

// Header sizes of a masked frame by length form (§5.2): 7-bit, 16-bit, 64-bit.
constexpr std::uint8_t short_header = 6;
constexpr std::uint8_t header_16 = 8;
constexpr std::uint8_t header_64 = 14;

// Unmasks `size` bytes from `from` to `to`, then turns the mask to apply to
// the byte after them. `to` may equal `from` or lie before it: every word is
// loaded before the one at the same offset is stored.
void unmask(const std::uint8_t* from, std::uint8_t* to, std::size_t size, std::array<std::uint8_t, 4>& mask) noexcept {
    std::array<std::uint8_t, 8> doubled{};
    std::copy(mask.begin(), mask.end(), doubled.begin());
    std::copy(mask.begin(), mask.end(), doubled.begin() + 4);
    std::uint64_t key = 0;
    std::memcpy(&key, doubled.data(), sizeof key);

    std::size_t i = 0;
    for (; size - i >= sizeof key; i += sizeof key) {
        std::uint64_t word = 0;
        std::memcpy(&word, from + i, sizeof word);
        word ^= key;
        std::memcpy(to + i, &word, sizeof word);
    }
    // i is a multiple of 4 here, so the tail starts with mask[0].
    for (std::size_t j = 0; i + j < size; ++j) to[i + j] = from[i + j] ^ mask[j & 3];
    // Not std::rotate: GCC 12 at -O3 warns of an overflow it does not have.
    const auto before = mask;
    for (std::size_t k = 0; k < mask.size(); ++k) mask[k] = before[(k + size) % 4];
}

// The status codes a peer may close with (§7.4): those defined for use on
// the wire, 1012-1014 which browsers send too, and the registered and
// private ranges.
bool peer_may_send(std::uint16_t code) noexcept {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

} // namespace

struct frame_reader::control_state {
    std::array<std::uint8_t, max_control_payload> payload{}; // of the control frame being read
    std::uint8_t size = 0;
    // Kept apart from payload: a close or a newer ping may be half read
    // while the owner answers this one.
    std::array<std::uint8_t, max_control_payload> ping{};
    std::uint8_t ping_size = 0;
    bool ping_pending = false;
};

// One exists per WebSocket connection; a few bytes more is a few megabytes
// across a large broker's connections.
static_assert(sizeof(frame_reader) <= 48);

frame_reader::frame_reader(frame_reader_limits limits) noexcept
    : max_message_size_(limits.max_message_size), text_allowed_(limits.text_allowed) {}

frame_reader::~frame_reader() = default;
frame_reader::frame_reader(frame_reader&&) noexcept = default;
frame_reader& frame_reader::operator=(frame_reader&&) noexcept = default;

std::size_t frame_reader::decode(std::span<std::uint8_t> bytes) noexcept {
    std::size_t read = 0;
    std::size_t written = 0;
    while (read < bytes.size() && !stopped()) {
        if (!in_payload()) {
            read_header_byte(bytes[read++]);
            continue;
        }
        const auto size = static_cast<std::size_t>(std::min<std::uint64_t>(frame_remaining_, bytes.size() - read));
        if (is_control()) {
            read_control(bytes.data() + read, size);
        } else {
            written += read_data(bytes.data() + read, bytes.data() + written, size);
        }
        read += size;
        frame_remaining_ -= size;
        if (frame_remaining_ == 0 && !stopped()) end_frame();
    }
    return written;
}

bool frame_reader::ping_pending() const noexcept { return control_ && control_->ping_pending; }

std::span<const std::uint8_t> frame_reader::ping_payload() const noexcept {
    if (!ping_pending()) return {};
    return std::span(control_->ping).first(control_->ping_size);
}

void frame_reader::ping_answered() noexcept {
    if (control_) control_->ping_pending = false;
}

void frame_reader::read_header_byte(std::uint8_t b) noexcept {
    const auto at = header_read_++;
    if (at == 0) {
        head_ = b;
        check_first_byte();
        return;
    }
    if (at == 1) {
        if ((b & mask_bit) == 0) return refuse(websocket_errc::unmasked_frame);
        const std::uint8_t length = b & 0x7F;
        if (is_control() && length > max_control_payload) return refuse(websocket_errc::control_too_long);
        header_size_ = length == 127 ? header_64 : length == 126 ? header_16 : short_header;
        frame_remaining_ = length < 126 ? length : 0;
        if (header_size_ == short_header) check_length();
        return;
    }
    const std::uint8_t mask_at = header_size_ - 4;
    if (at < mask_at) {
        frame_remaining_ = frame_remaining_ << 8 | b;
        if (at + 1 == mask_at) check_length();
        return;
    }
    mask_[at - mask_at] = b;
    if (in_payload()) begin_payload();
}

void frame_reader::check_first_byte() noexcept {
    if ((head_ & reserved_bits) != 0) return refuse(websocket_errc::reserved_bits);
    switch (opcode()) {
    case opcodes::continuation:
        if (message_ == message_kind::none) refuse(websocket_errc::unexpected_continuation);
        return;
    case opcodes::text:
    case opcodes::binary:
        if (message_ != message_kind::none) return refuse(websocket_errc::unfinished_message);
        if (opcode() == opcodes::text && !text_allowed_) refuse(websocket_errc::text_refused);
        return;
    case opcodes::close:
    case opcodes::ping:
    case opcodes::pong:
        if ((head_ & fin_bit) == 0) refuse(websocket_errc::fragmented_control);
        return;
    default: refuse(websocket_errc::unknown_opcode);
    }
}

// Called once the length is known, before the mask: a message too big is
// refused before any of its payload is waited for.
void frame_reader::check_length() noexcept {
    const auto length = frame_remaining_;
    if ((header_size_ == header_16 && length < 126) ||
        (header_size_ == header_64 && (length <= 0xFFFF || length >> 63 != 0))) {
        return refuse(websocket_errc::invalid_length);
    }
    if (is_control()) return;
    if (opcode() != opcodes::continuation) message_budget_ = max_message_size_;
    if (length > message_budget_) return refuse(websocket_errc::message_too_big);
    message_budget_ -= length;
}

void frame_reader::begin_payload() noexcept {
    if (is_control()) {
        if (!control_) control_ = std::make_unique<control_state>();
        control_->size = 0;
    } else if (opcode() != opcodes::continuation) {
        message_ = opcode() == opcodes::text ? message_kind::text : message_kind::binary;
        utf8_.reset();
    }
    if (frame_remaining_ == 0) end_frame();
}

std::size_t frame_reader::read_data(const std::uint8_t* from, std::uint8_t* to, std::size_t size) noexcept {
    unmask(from, to, size, mask_);
    if (message_ != message_kind::text) return size;
    // What precedes the first invalid byte was valid text and stays output,
    // so the output does not depend on where reads end.
    const auto valid = utf8_.validate({to, size});
    if (valid < size) refuse(websocket_errc::invalid_utf8);
    return valid;
}

void frame_reader::read_control(const std::uint8_t* from, std::size_t size) noexcept {
    unmask(from, control_->payload.data() + control_->size, size, mask_);
    control_->size = static_cast<std::uint8_t>(control_->size + size);
}

void frame_reader::end_frame() noexcept {
    header_read_ = 0;
    header_size_ = 2;
    switch (opcode()) {
    case opcodes::close: end_close_frame(); return;
    case opcodes::ping:
        control_->ping = control_->payload;
        control_->ping_size = control_->size;
        control_->ping_pending = true;
        return;
    case opcodes::pong: return; // unsolicited pongs are allowed (§5.5.3), and we send no pings
    default:
        if ((head_ & fin_bit) == 0) return;
        if (message_ == message_kind::text && !utf8_.complete()) refuse(websocket_errc::invalid_utf8);
        message_ = message_kind::none;
    }
}

void frame_reader::end_close_frame() noexcept {
    const auto payload = std::span(control_->payload).first(control_->size);
    if (payload.size() == 1) return refuse(websocket_errc::invalid_close_payload);
    if (!payload.empty()) {
        const auto code = static_cast<std::uint16_t>(payload[0] << 8 | payload[1]);
        if (!peer_may_send(code)) return refuse(websocket_errc::invalid_close_payload);
        const auto reason = payload.subspan(2);
        utf8_validator utf8;
        if (utf8.validate(reason) < reason.size() || !utf8.complete()) return refuse(websocket_errc::invalid_utf8);
        peer_close_code_ = code;
    }
    close_received_ = true;
}

} // namespace gantry::protocols::websocket
