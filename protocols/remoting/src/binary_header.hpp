#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

#include "gantry/protocols/remoting/remoting_command.hpp"
#include "gantry/protocols/remoting/remoting_error.hpp"

namespace gantry::protocols::remoting::detail {

// code i16, language u8, version i16, opaque i32, flag i32, remark length
// i32, ext length i32 (spec 1.3).
inline constexpr std::size_t binary_fixed_size = 21;

// Fills the header fields of `out` from a ROCKETMQ header; nullopt on success.
std::optional<remoting_diagnostic> read_binary_header(std::span<const std::byte> header, remoting_command& out);

// Appends the ROCKETMQ header; field_out_of_range when code or version do not
// fit an i16 or a key is longer than 32767 bytes.
std::error_code write_binary_header(const remoting_command& command, std::vector<std::byte>& out);

} // namespace gantry::protocols::remoting::detail
