#include "wire_writer.hpp"

#include "gantry/engine/byte_order.hpp"
#include "gantry/protocols/mqtt/mqtt_utf8.hpp"
#include "gantry/protocols/mqtt/variable_byte_integer.hpp"

namespace gantry::protocols::mqtt::detail {

namespace {

constexpr std::size_t max_field_size = 65'535;

} // namespace

void wire_writer::u8(std::uint8_t value) {
    if (out_) out_->push_back(std::byte{value});
    size_ += 1;
}

void wire_writer::u16(std::uint16_t value) {
    if (out_) append_be(*out_, value);
    size_ += 2;
}

void wire_writer::u32(std::uint32_t value) {
    if (out_) append_be(*out_, value);
    size_ += 4;
}

void wire_writer::vbi(std::uint32_t value) {
    const auto size = variable_byte_integer_size(value);
    if (size == 0) return fail(mqtt_errc::value_too_large);
    if (out_) append_variable_byte_integer(value, *out_);
    size_ += size;
}

void wire_writer::raw(std::span<const std::byte> data) {
    if (out_) out_->insert(out_->end(), data.begin(), data.end());
    size_ += data.size();
}

void wire_writer::utf8(std::string_view text) {
    if (text.size() > max_field_size) return fail(mqtt_errc::value_too_large);
    // Validated once, while counting; the writing pass sees the same text.
    if (counting() && !valid_utf8_mqtt(text)) return fail(mqtt_errc::invalid_utf8);
    u16(static_cast<std::uint16_t>(text.size()));
    raw(std::as_bytes(std::span(text.data(), text.size())));
}

void wire_writer::binary(std::span<const std::byte> data) {
    if (data.size() > max_field_size) return fail(mqtt_errc::value_too_large);
    u16(static_cast<std::uint16_t>(data.size()));
    raw(data);
}

} // namespace gantry::protocols::mqtt::detail
