#include "gantry/protocols/mqtt/variable_byte_integer.hpp"

namespace gantry::protocols::mqtt {

vbi_decoded decode_variable_byte_integer(std::span<const std::byte> input) noexcept {
    vbi_decoded out;
    for (std::size_t i = 0; i < 4; ++i) {
        if (i == input.size()) return out;
        const auto byte = std::to_integer<std::uint32_t>(input[i]);
        out.value |= (byte & 0x7F) << (7 * i);
        if ((byte & 0x80) == 0) {
            out.status = vbi_status::complete;
            out.size = i + 1;
            return out;
        }
    }
    out.status = vbi_status::malformed;
    out.value = 0;
    return out;
}

std::size_t variable_byte_integer_size(std::uint32_t value) noexcept {
    if (value < 128) return 1;
    if (value < 16'384) return 2;
    if (value < 2'097'152) return 3;
    if (value <= max_variable_byte_integer) return 4;
    return 0;
}

bool append_variable_byte_integer(std::uint32_t value, std::vector<std::byte>& out) {
    if (value > max_variable_byte_integer) return false;
    do {
        auto byte = static_cast<std::uint8_t>(value & 0x7F);
        value >>= 7;
        if (value != 0) byte |= 0x80;
        out.push_back(std::byte{byte});
    } while (value != 0);
    return true;
}

} // namespace gantry::protocols::mqtt
