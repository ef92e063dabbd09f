#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gantry::protocols::remoting {

// Upstream LanguageCode (spec 1.6): JSON headers carry the name, ROCKETMQ
// headers the byte.
enum class language_code : std::uint8_t {
    java = 0,
    cpp = 1,
    dotnet = 2,
    python = 3,
    delphi = 4,
    erlang = 5,
    ruby = 6,
    other = 7,
    http = 8,
    go = 9,
    php = 10,
    oms = 11,
    rust = 12,
    node_js = 13,
};

// The upstream enum name, e.g. "JAVA", "NODE_JS".
std::string_view language_name(language_code language) noexcept;

// Exact, case-sensitive match of an upstream name, as Java's Enum.valueOf.
std::optional<language_code> language_from_name(std::string_view name) noexcept;

std::optional<language_code> language_from_byte(std::uint8_t value) noexcept;

} // namespace gantry::protocols::remoting
