#include "gantry/protocols/remoting/language_code.hpp"

#include <array>

namespace gantry::protocols::remoting {

namespace {

// Indexed by the wire byte, which is also the enum's value.
constexpr std::array<std::string_view, 14> language_names{
    "JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY",
    "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST", "NODE_JS",
};

} // namespace

std::string_view language_name(language_code language) noexcept {
    const auto index = static_cast<std::size_t>(language);
    return index < language_names.size() ? language_names[index] : std::string_view{"OTHER"};
}

std::optional<language_code> language_from_name(std::string_view name) noexcept {
    for (std::size_t i = 0; i < language_names.size(); ++i) {
        if (language_names[i] == name) return static_cast<language_code>(i);
    }
    return std::nullopt;
}

std::optional<language_code> language_from_byte(std::uint8_t value) noexcept {
    if (value >= language_names.size()) return std::nullopt;
    return static_cast<language_code>(value);
}

} // namespace gantry::protocols::remoting
