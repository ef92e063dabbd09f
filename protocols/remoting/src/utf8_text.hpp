#pragma once

#include <string>
#include <string_view>

namespace gantry::protocols::remoting::detail {

bool is_valid_utf8(std::string_view text) noexcept;

// What Java's `new String(bytes, UTF_8)` then `getBytes(UTF_8)` gives: every
// maximal ill-formed subsequence becomes U+FFFD, so all text in a decoded
// command is valid UTF-8 and re-encodes as JSON.
std::string to_valid_utf8(std::string_view text);

// A short, printable rendering of untrusted text for error reasons:
// quoted, control characters as '?', at most 64 bytes.
std::string quoted_for_log(std::string_view text);

} // namespace gantry::protocols::remoting::detail
