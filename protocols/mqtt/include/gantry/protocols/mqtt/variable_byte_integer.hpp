#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace gantry::protocols::mqtt {

// 5.0 §1.5.5, 3.1.1 §2.2.3: seven bits per byte, least significant first, at
// most four bytes.
inline constexpr std::uint32_t max_variable_byte_integer = 268'435'455;

enum class vbi_status {
    complete,   // `value` and `size` are set
    need_more,  // every byte so far has its continuation bit set
    malformed,  // a fourth byte with the continuation bit set
};

struct vbi_decoded {
    vbi_status status = vbi_status::need_more;
    std::uint32_t value = 0;
    std::size_t size = 0;
};

// Non-minimal encodings (e.g. 0x80 0x00 for 0) are accepted, as most brokers do.
vbi_decoded decode_variable_byte_integer(std::span<const std::byte> input) noexcept;

// 1 to 4 bytes for values up to max_variable_byte_integer, 0 above it.
std::size_t variable_byte_integer_size(std::uint32_t value) noexcept;

// Appends the minimal encoding; false (nothing appended) above the maximum.
bool append_variable_byte_integer(std::uint32_t value, std::vector<std::byte>& out);

} // namespace gantry::protocols::mqtt
