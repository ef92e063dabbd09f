#pragma once

#include <cstdint>
#include <system_error>

namespace gantry::protocols::remoting::client {

// Why a client operation failed on the client's side. New values go at the
// end and existing ones are never renumbered.
enum class client_errc {
    timeout = 1,        // no response within the request timeout
    connection_closed,  // the connection closed before the response arrived
    connect_failed,     // the TCP connection could not be made
    bad_address,        // an address is not "host:port"
    no_route,           // no name server answered, or the topic has no usable queue
    malformed_response, // a response header or body the client cannot read
    stopped,            // the client runtime is stopping
    bad_message_id,     // text that is not an offset message id
};

const std::error_category& client_category() noexcept;

inline std::error_code make_error_code(client_errc e) noexcept { return {static_cast<int>(e), client_category()}; }

// A broker's or name server's answer other than SUCCESS, as an error whose
// value is the response code and whose message names it, e.g.
// "TOPIC_NOT_EXIST (17)".
const std::error_category& response_category() noexcept;

inline std::error_code response_error(std::int32_t code) noexcept { return {code, response_category()}; }

} // namespace gantry::protocols::remoting::client

template <>
struct std::is_error_code_enum<gantry::protocols::remoting::client::client_errc> : std::true_type {};
