#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gantry::protocols::stomp {

// STOMP 1.0, 1.1 and 1.2; they differ in header escaping and in what
// CONNECT must carry.
enum class stomp_version { v1_0, v1_1, v1_2 };

std::string_view version_name(stomp_version v) noexcept; // "1.0", "1.1", "1.2"

// Every command of STOMP 1.2, client frames then server frames.
enum class stomp_command {
    connect, stomp, send, subscribe, unsubscribe, ack, nack, begin, commit, abort, disconnect,
    connected, message, receipt, error,
};

std::string_view command_name(stomp_command c) noexcept; // "SEND"
std::optional<stomp_command> parse_command(std::string_view text) noexcept;

// One frame with its headers unescaped, in the order sent. A name may repeat:
// header() gives the first, which is the one that counts (STOMP 1.2,
// "Repeated Header Entries"); the rest are kept for whoever wants them.
struct stomp_frame {
    stomp_command command = stomp_command::send;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body; // any bytes, NULs included when content-length framed it

    const std::string* header(std::string_view name) const noexcept;
    void add(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

} // namespace gantry::protocols::stomp
