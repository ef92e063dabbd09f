#pragma once

#include <string_view>

namespace gantry::protocols::mqtt {

// An MQTT UTF-8 encoded string's content (3.1.1 §1.5.3, 5.0 §1.5.4):
// well-formed UTF-8, no surrogates U+D800..U+DFFF, no U+0000. Other control
// characters and non-characters are accepted: the specifications only let a
// receiver refuse them, and clients do send them.
bool valid_utf8_mqtt(std::string_view text) noexcept;

// Why `text` is not valid ("contains U+0000", ...), or empty when it is.
std::string_view utf8_mqtt_problem(std::string_view text) noexcept;

} // namespace gantry::protocols::mqtt
