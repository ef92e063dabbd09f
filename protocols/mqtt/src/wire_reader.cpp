#include "wire_reader.hpp"

#include "gantry/engine/byte_order.hpp"
#include "gantry/protocols/mqtt/mqtt_utf8.hpp"
#include "gantry/protocols/mqtt/variable_byte_integer.hpp"

namespace gantry::protocols::mqtt::detail {

bool wire_reader::fail(mqtt_errc code, reason_code reason, std::string message) {
    if (!failure_->has_value()) *failure_ = decode_failure{code, reason, std::move(message)};
    return false;
}

bool wire_reader::fail_packet(mqtt_errc code, reason_code reason, std::string_view message) {
    std::string text(packet_name());
    text += ' ';
    text += message;
    return fail(code, reason, std::move(text));
}

bool wire_reader::take(std::size_t size, std::string_view what) {
    if (!ok()) return false;
    if (size > remaining()) {
        return fail_packet(mqtt_errc::truncated, reason_code::malformed_packet,
                           std::string(field_prefix_) + std::string(what) + " runs past the end of the packet");
    }
    return true;
}

std::uint8_t wire_reader::u8(std::string_view what) {
    if (!take(1, what)) return 0;
    return std::to_integer<std::uint8_t>(data_[pos_++]);
}

std::uint16_t wire_reader::u16(std::string_view what) {
    if (!take(2, what)) return 0;
    const auto value = load_be<std::uint16_t>(data_.data() + pos_);
    pos_ += 2;
    return value;
}

std::uint32_t wire_reader::u32(std::string_view what) {
    if (!take(4, what)) return 0;
    const auto value = load_be<std::uint32_t>(data_.data() + pos_);
    pos_ += 4;
    return value;
}

std::uint32_t wire_reader::vbi(std::string_view what) {
    if (!ok()) return 0;
    const auto decoded = decode_variable_byte_integer(data_.subspan(pos_));
    if (decoded.status == vbi_status::need_more) {
        take(remaining() + 1, what);
        return 0;
    }
    if (decoded.status == vbi_status::malformed) {
        fail_packet(mqtt_errc::malformed_variable_byte_integer, reason_code::malformed_packet,
                    std::string(field_prefix_) + std::string(what) + " is longer than four bytes");
        return 0;
    }
    pos_ += decoded.size;
    return decoded.value;
}

std::string wire_reader::utf8(std::string_view what) {
    const std::size_t size = u16(what);
    if (!take(size, what)) return {};
    std::string text(reinterpret_cast<const char*>(data_.data() + pos_), size);
    pos_ += size;
    if (const auto problem = utf8_mqtt_problem(text); !problem.empty()) {
        fail_packet(mqtt_errc::invalid_utf8, reason_code::malformed_packet,
                    std::string(field_prefix_) + std::string(what) + " " + std::string(problem));
        return {};
    }
    return text;
}

std::vector<std::byte> wire_reader::binary(std::string_view what) {
    const std::size_t size = u16(what);
    if (!take(size, what)) return {};
    std::vector<std::byte> out(data_.begin() + static_cast<std::ptrdiff_t>(pos_),
                               data_.begin() + static_cast<std::ptrdiff_t>(pos_ + size));
    pos_ += size;
    return out;
}

std::string wire_reader::rest() {
    if (!ok()) return {};
    std::string out(reinterpret_cast<const char*>(data_.data()) + pos_, data_.size() - pos_);
    pos_ = data_.size();
    return out;
}

wire_reader wire_reader::sub(std::size_t size, std::string_view what, std::string_view field_prefix) {
    wire_reader out({}, type_, *failure_);
    out.field_prefix_ = field_prefix;
    if (!take(size, what)) return out;
    out.data_ = data_.subspan(pos_, size);
    pos_ += size;
    return out;
}

std::uint16_t wire_reader::packet_id() {
    const auto id = u16("packet identifier");
    if (ok() && id == 0) {
        fail_packet(mqtt_errc::invalid_packet_id, reason_code::protocol_error, "packet identifier is 0");
    }
    return id;
}

void wire_reader::expect_end() {
    if (!ok() || at_end()) return;
    fail_packet(mqtt_errc::trailing_bytes, reason_code::malformed_packet,
                "has " + std::to_string(remaining()) + " unexpected bytes after its last field");
}

} // namespace gantry::protocols::mqtt::detail
