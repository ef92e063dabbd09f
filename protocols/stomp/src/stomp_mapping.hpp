#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

#include "gantry/engine/delivery.hpp"
#include "gantry/engine/message.hpp"
#include "gantry/engine/result.hpp"
#include "gantry/protocols/naming/engine_route.hpp"
#include "gantry/protocols/stomp/stomp_frame.hpp"

namespace gantry::protocols::stomp {

// Why a frame's destination or headers have no engine form.
enum class mapping_errc {
    unknown_destination = 1, // not /queue/, /topic/, /temp-queue/ or /temp-topic/
    empty_destination,       // a prefix and no name
    invalid_expires,         // expires is not a number of milliseconds
    invalid_priority,        // priority is not 0..9
    invalid_persistent,      // persistent is not true or false
};

const std::error_category& mapping_category() noexcept;

inline std::error_code make_error_code(mapping_errc e) noexcept {
    return {static_cast<int>(e), mapping_category()};
}

enum class destination_kind { queue, topic, temp_queue, temp_topic };

// A destination header: its kind and the name after the prefix.
struct destination {
    destination_kind kind = destination_kind::queue;
    std::string name;

    bool point_to_point() const noexcept {
        return kind == destination_kind::queue || kind == destination_kind::temp_queue;
    }
    bool temporary() const noexcept {
        return kind == destination_kind::temp_queue || kind == destination_kind::temp_topic;
    }
    std::string text() const; // "/queue/name"
};

result<destination> parse_destination(std::string_view text);

using naming::engine_route;

// STOMP's name syntax: `separator` between levels, ActiveMQ's wildcards.
constexpr naming::name_syntax stomp_syntax(char separator) noexcept { return {separator, '*', '>'}; }
// The destination name of a stored message (the inverse, for MESSAGE frames).
std::string destination_name(const engine::message& msg, char separator);

// SEND → engine message. `resolve_reply_to` turns a reply-to header naming a
// temporary destination into the name others can send to.
result<engine::message> to_engine_message(stomp_frame&& send, const engine_route& route,
                                          const std::function<std::string(std::string_view)>& resolve_reply_to);

// The MESSAGE frame of a delivery; the session adds subscription and ack.
stomp_frame to_message_frame(engine::delivery&& d, std::string destination_header);

} // namespace gantry::protocols::stomp

template <>
struct std::is_error_code_enum<gantry::protocols::stomp::mapping_errc> : std::true_type {};
