#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace gantry::protocols::mqtt {

// An MQTT UTF-8 encoded string's content (3.1.1 §1.5.3, 5.0 §1.5.4):
// well-formed UTF-8, no surrogates U+D800..U+DFFF, no U+0000. Other control
// characters and non-characters are accepted: the specifications only let a
// receiver refuse them, and clients do send them.
bool valid_utf8_mqtt(std::string_view text) noexcept;

// Why `text` is not valid ("contains U+0000", ...), or empty when it is.
std::string_view utf8_mqtt_problem(std::string_view text) noexcept;

// Why `payload` is not the UTF-8 Encoded Character Data a Payload Format
// Indicator of 1 announces (5.0 §3.3.2.3.2, §3.1.3.2.3), or empty when it
// is. That is well-formed UTF-8 as Unicode and RFC 3629 define it, so
// surrogates are refused but U+0000 is not: the ban on U+0000 is a rule of
// MQTT's strings (§1.5.4), not of UTF-8, and a payload is no string.
std::string_view utf8_payload_problem(std::span<const std::byte> payload) noexcept;

} // namespace gantry::protocols::mqtt
