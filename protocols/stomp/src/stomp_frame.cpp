#include "gantry/protocols/stomp/stomp_frame.hpp"

#include <array>

namespace gantry::protocols::stomp {

namespace {

// Indexed by stomp_command.
constexpr std::array<std::string_view, 15> command_names = {
    "CONNECT", "STOMP",  "SEND",       "SUBSCRIBE", "UNSUBSCRIBE", "ACK",     "NACK",  "BEGIN",
    "COMMIT",  "ABORT",  "DISCONNECT", "CONNECTED", "MESSAGE",     "RECEIPT", "ERROR",
};

} // namespace

std::string_view version_name(stomp_version v) noexcept {
    switch (v) {
    case stomp_version::v1_0: return "1.0";
    case stomp_version::v1_1: return "1.1";
    case stomp_version::v1_2: return "1.2";
    }
    return "?";
}

std::string_view command_name(stomp_command c) noexcept {
    const auto index = static_cast<std::size_t>(c);
    return index < command_names.size() ? command_names[index] : std::string_view("?");
}

std::optional<stomp_command> parse_command(std::string_view text) noexcept {
    for (std::size_t i = 0; i < command_names.size(); ++i) {
        if (command_names[i] == text) return static_cast<stomp_command>(i);
    }
    return std::nullopt;
}

const std::string* stomp_frame::header(std::string_view name) const noexcept {
    for (const auto& [key, value] : headers) {
        if (key == name) return &value;
    }
    return nullptr;
}

} // namespace gantry::protocols::stomp
