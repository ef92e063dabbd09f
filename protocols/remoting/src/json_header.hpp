#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "gantry/protocols/remoting/remoting_command.hpp"
#include "gantry/protocols/remoting/remoting_error.hpp"

namespace gantry::protocols::remoting::detail {

// Fills the header fields of `out` from a JSON header (spec 1.2, accept
// rules); nullopt on success.
std::optional<remoting_diagnostic> read_json_header(std::string_view text, remoting_command& out);

// Appends the header as Java's fastjson writes it: keys alphabetical, no
// whitespace, extFields values as strings, remark only when set.
void write_json_header(const remoting_command& command, std::vector<std::byte>& out);

} // namespace gantry::protocols::remoting::detail
